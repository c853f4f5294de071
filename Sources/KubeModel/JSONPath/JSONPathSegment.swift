/// A top-level piece of a template: text, an action, or the bracket of a `{range}`...`{end}` block.
enum JSONPathSegment: Sendable, Hashable {
    case text(String)
    case action([JSONPathNode])
    case rangeStart([JSONPathNode])
    case rangeEnd
}
