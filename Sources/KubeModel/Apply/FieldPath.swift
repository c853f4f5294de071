/// The path to one field, list item or set member of an object: `.spec.replicas`,
/// `.spec.template.spec.containers[name="main"].image`.
public struct FieldPath: Hashable, Sendable, Comparable, CustomStringConvertible, ExpressibleByArrayLiteral {
    /// The steps from the object root.
    public var elements: [PathElement]

    /// A path of these steps.
    public init(_ elements: [PathElement]) {
        self.elements = elements
    }

    /// A path of these steps: `[.field("spec"), .field("replicas")]`.
    public init(arrayLiteral elements: PathElement...) {
        self.elements = elements
    }

    /// A path of object fields only: `FieldPath(fields: "spec", "replicas")`.
    public init(fields names: String...) {
        self.elements = names.map(PathElement.field)
    }

    /// Whether this is the path of the object itself.
    public var isEmpty: Bool { elements.isEmpty }

    /// The path followed by one more element.
    public func appending(_ element: PathElement) -> FieldPath {
        FieldPath(elements + [element])
    }

    /// The path as the API server prints it in conflict causes (`.spec.replicas`).
    public var description: String {
        elements.map(\.description).joined()
    }

    /// Element-wise order; a path sorts before the paths it prefixes.
    public static func < (lhs: FieldPath, rhs: FieldPath) -> Bool {
        for (a, b) in zip(lhs.elements, rhs.elements) where a != b {
            return a < b
        }
        return lhs.elements.count < rhs.elements.count
    }
}
