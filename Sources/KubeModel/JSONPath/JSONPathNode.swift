/// One node of a parsed JSONPath template, mirroring the node kinds of client-go's `util/jsonpath`.
///
/// Inside a `{...}` action the nodes of a `.list` are applied left to right, each to the values the previous
/// one produced.
indirect enum JSONPathNode: Sendable, Hashable {
    /// The nodes of one `{...}` action (or of one filter operand or union member).
    case list([JSONPathNode])
    /// Literal text: outside braces, or a quoted string inside them. Produces the text once.
    case text(String)
    /// `.name`: the member of each object.
    case field(String)
    /// `[i]`, `[-1]`, `[a:b]`, `[a:b:c]`, `[*]`.
    case array(Slice)
    /// `[?(left op right)]`, or `[?(path)]` with operator `exists`.
    case filter(left: [JSONPathNode], op: String, right: [JSONPathNode])
    /// An integer literal (filter operands).
    case int(Int)
    /// A floating point literal (filter operands).
    case float(Double)
    /// `true` / `false` (filter operands).
    case bool(Bool)
    /// `.*`: every member or element.
    case wildcard
    /// `..`: the value and all its descendants that have children.
    case recursive
    /// `[a,b]`: the results of each member list, concatenated.
    case union([[JSONPathNode]])
    /// A bare word: `range`, `end`, or an error when evaluated.
    case identifier(String)

    /// Bounds of an array selection as the parser read them; `nil` means "not given".
    struct Slice: Sendable, Hashable {
        var start: Int?
        var end: Int?
        /// The end was not written but derived as `start + 1` (a single index such as `[2]` or `[-1]`).
        var endDerived: Bool
        var step: Int?
    }
}
