/// The JSON type shared by every element of a merged list; upstream refuses mixed lists and lists of lists.
enum PatchListElementKind: Sendable, Hashable {
    case object, string, number, bool, null

    /// The kind of every element, nil for empty lists.
    static func of(_ lists: [JSON]..., path: String) throws -> PatchListElementKind? {
        var found: PatchListElementKind?
        for list in lists {
            for item in list {
                let kind: PatchListElementKind
                switch item {
                case .object: kind = .object
                case .string: kind = .string
                case .int, .double: kind = .number
                case .bool: kind = .bool
                case .null: kind = .null
                case .array: throw PatchError(at: path, "lists of lists are not supported")
                }
                if let found, found != kind {
                    throw PatchError(at: path, "list element types are not identical: found \(found) and \(kind) items")
                }
                found = kind
            }
        }
        return found
    }
}
