/// Filter comparisons (`==`, `!=`, `<`, `>`, `<=`, `>=`) with the rules of the Go template functions that
/// client-go uses: booleans, numbers and strings compare; other values are "invalid type for comparison";
/// values of different kinds are "incompatible types for comparison".
///
/// One deliberate difference: integers and floating point numbers compare numerically with each other
/// (Go refuses `1 == 1.0`), because JSON does not distinguish them and users cannot tell which one they have.
enum JSONPathComparison {
    private enum Kind { case bool, number, string }

    static func compare(_ left: JSON, _ op: String, _ right: JSON) throws(JSONPathError) -> Bool {
        switch op {
        case "==": return try equal(left, right)
        case "!=": return try !equal(left, right)
        case "<": return try less(left, right)
        case ">":
            let lt = try less(left, right)
            let eq = try equal(left, right)
            return !(lt || eq)
        case "<=":
            let lt = try less(left, right)
            let eq = try equal(left, right)
            return lt || eq
        case ">=": return try !less(left, right)
        default: throw .evaluate("unrecognized filter operator \(op)")
        }
    }

    private static func kind(_ value: JSON) throws(JSONPathError) -> Kind {
        switch value {
        case .bool: return .bool
        case .int, .double: return .number
        case .string: return .string
        default: throw .evaluate("invalid type for comparison")
        }
    }

    private static func equal(_ left: JSON, _ right: JSON) throws(JSONPathError) -> Bool {
        let k1 = try kind(left)
        let k2 = try kind(right)
        guard k1 == k2 else { throw .evaluate("incompatible types for comparison") }
        switch (left, right) {
        case (.int(let a), .int(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.bool(let a), .bool(let b)): return a == b
        default: return left.doubleValue == right.doubleValue
        }
    }

    private static func less(_ left: JSON, _ right: JSON) throws(JSONPathError) -> Bool {
        let k1 = try kind(left)
        let k2 = try kind(right)
        guard k1 == k2 else { throw .evaluate("incompatible types for comparison") }
        switch (left, right) {
        case (.int(let a), .int(let b)): return a < b
        case (.string(let a), .string(let b)): return a.utf8.lexicographicallyPrecedes(b.utf8)
        case (.bool, .bool): throw .evaluate("invalid type for comparison")
        default: return (left.doubleValue ?? 0) < (right.doubleValue ?? 0)
        }
    }
}
