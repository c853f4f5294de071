/// First positions of items in a list, by merge-key value (lists of maps) or by value (primitives).
struct PatchListOrder {
    private var positions: [JSON: Int] = [:]
    private var keyless: Int?
    private let mergeKey: String?

    init(_ list: [JSON], mergeKey: String?) {
        self.mergeKey = mergeKey
        for (i, item) in list.enumerated() {
            if let key = self.key(of: item) {
                if positions[key] == nil { positions[key] = i }
            } else if keyless == nil {
                keyless = i
            }
        }
    }

    private func key(of item: JSON) -> JSON? {
        guard let mergeKey else { return item }
        return item[mergeKey]
    }

    func position(of item: JSON) -> Int? {
        guard let key = key(of: item) else { return keyless }
        return positions[key]
    }

    /// Stable sort by position; items the list does not name keep their relative order at the end.
    func sorted(_ items: [JSON]) -> [JSON] {
        items.enumerated()
            .sorted { a, b in
                let pa = position(of: a.element) ?? Int.max
                let pb = position(of: b.element) ?? Int.max
                return pa != pb ? pa < pb : a.offset < b.offset
            }
            .map(\.element)
    }
}
