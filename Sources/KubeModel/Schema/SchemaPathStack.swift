/// The path to the value being walked, kept as a stack and rendered only when an error needs it.
///
/// Two renderings exist upstream and both are needed: kube-openapi and the unknown-field trackers write map
/// keys as `.key` (`spec.selector.matchLabels.app`), apimachinery's `field.Path` writes them as `[key]`
/// (`spec.selector.matchLabels[app]`). Indexes are `[0]` in both.
struct SchemaPathStack: Sendable {
    enum Element: Sendable {
        case field(String)
        case key(String)
        case index(Int)
    }

    private(set) var elements: [Element] = []

    init(_ elements: [Element] = []) { self.elements = elements }

    @inline(__always) mutating func push(_ element: Element) { elements.append(element) }
    @inline(__always) mutating func pop() { elements.removeLast() }

    var isEmpty: Bool { elements.isEmpty }

    /// `spec.template.spec.containers[0].image`, map keys as `.key`.
    var dotted: String { render(keysInBrackets: false) }

    /// `field.Path` rendering: map keys as `[key]`.
    var fieldPath: String { render(keysInBrackets: true) }

    /// `dotted` with one more member: the path of a field that is not (yet) on the stack.
    func dotted(appending name: String) -> String {
        let prefix = dotted
        return prefix.isEmpty ? name : prefix + "." + name
    }

    func fieldPath(appending name: String) -> String {
        let prefix = fieldPath
        return prefix.isEmpty ? name : prefix + "." + name
    }

    private func render(keysInBrackets: Bool) -> String {
        var out = ""
        for element in elements {
            switch element {
            case .field(let name):
                if !out.isEmpty { out += "." }
                out += name
            case .key(let key):
                if keysInBrackets {
                    out += "[" + key + "]"
                } else {
                    if !out.isEmpty { out += "." }
                    out += key
                }
            case .index(let i):
                out += "[" + String(i) + "]"
            }
        }
        return out
    }
}
