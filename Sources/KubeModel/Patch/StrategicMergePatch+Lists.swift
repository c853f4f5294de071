/// Lists in strategic merge patch: merging by key, primitive unions, list directives and the order of the
/// merged list (`$setElementOrder`).
extension StrategicMergePatch {
    /// The outcome of merging one list.
    struct ListMerge {
        /// The merged list, in its final order.
        var merged: [JSON]
        /// The live list as upstream's `$setElementOrder` step sees it afterwards. apimachinery merges in
        /// place in the live list's backing array, so deletions shift items left and new items overwrite the
        /// freed tail; the ordering step then reads that array. Reproducing it keeps list order identical to
        /// a real API server's in the mixed add/delete/server-only cases that kubectl apply produces.
        var serverOrder: [JSON]
    }

    /// Merges a patch list into the document's list according to the field's strategy.
    static func mergeListField(
        _ original: [JSON], _ patch: [JSON], field: Schema?, isDeleteList: Bool, path: String
    ) throws -> ListMerge {
        let meta = PatchMeta(field)
        // `$deleteFromPrimitiveList` removes values whatever the field's strategy.
        if meta.mergesLists || isDeleteList {
            return try mergeSlice(original, patch, itemSchema: field?.items, mergeKey: meta.mergeKey,
                                  isDeleteList: isDeleteList, path: path)
        }
        return ListMerge(merged: try cleanList(patch, field: field, path: path), serverOrder: original)
    }

    private static func mergeSlice(
        _ original: [JSON], _ patch: [JSON], itemSchema: Schema?, mergeKey: String, isDeleteList: Bool,
        path: String
    ) throws -> ListMerge {
        if original.isEmpty && patch.isEmpty {
            return ListMerge(merged: original, serverOrder: original)
        }
        let kind = try PatchListElementKind.of(original, patch, path: path) ?? .object

        if kind != .object {
            if isDeleteList {
                let doomed = Set(patch)
                return ListMerge(merged: original.filter { !doomed.contains($0) }, serverOrder: original)
            }
            var seen: Set<JSON> = []
            let union = (original + patch).filter { seen.insert($0).inserted }
            let (patchItems, serverOnly) = partitionPrimitives(union, by: patch)
            let merged = try normalizeElementOrder(patchItems, serverOnly, patchOrder: patch, serverOrder: original,
                                                   mergeKey: "", kind: kind, path: path)
            return ListMerge(merged: merged, serverOrder: original)
        }

        guard !mergeKey.isEmpty else {
            throw PatchError(at: path, "cannot merge lists without merge key")
        }

        // Directive items first: deletions shift the live array left, as upstream's in-place removal does.
        var backing = original
        var liveCount = original.count
        var replace = false
        var plain: [[String: JSON]] = []
        for item in patch {
            guard case .object(let members) = item else { continue }  // PatchListElementKind guarantees maps
            guard let directive = members[directiveMarker] else {
                plain.append(members)
                continue
            }
            switch directive.stringValue ?? "" {
            case "delete":
                guard let doomed = members[mergeKey] else {
                    throw noMergeKey(item, mergeKey, path: path)
                }
                var i = 0
                while i < liveCount {
                    if backing[i][mergeKey] == doomed {
                        for k in i..<(liveCount - 1) { backing[k] = backing[k + 1] }
                        liveCount -= 1
                    } else {
                        i += 1
                    }
                }
            case "replace":
                replace = true
            case "merge":
                break  // explicit default
            default:
                throw PatchError(at: path, "unknown patch type: \(directive) in map: \(item)")
            }
        }

        if replace {
            var replacement: [JSON] = []
            for (i, members) in plain.enumerated() {
                if let cleaned = try mergeObject(nil, members, schema: itemSchema, path: "\(path)[\(i)]") {
                    replacement.append(.object(cleaned))
                }
            }
            return ListMerge(merged: replacement, serverOrder: backing)
        }

        var current = Array(backing[0..<liveCount])
        let survivors = current
        for members in plain {
            guard let key = members[mergeKey] else {
                throw noMergeKey(.object(members), mergeKey, path: path)
            }
            if let index = current.firstIndex(where: { $0[mergeKey] == key }) {
                guard case .object(let existing) = current[index] else {
                    throw PatchError(at: "\(path)[\(index)]", "expected a map, but received a \(current[index].typeName)")
                }
                let merged = try mergeObject(existing, members, schema: itemSchema, path: "\(path)[\(index)]")
                current[index] = .object(merged ?? [:])
            } else {
                let added = JSON.object(try mergeObject(nil, members, schema: itemSchema,
                                                        path: "\(path)[\(current.count)]") ?? [:])
                current.append(added)
                if current.count <= backing.count { backing[current.count - 1] = added }
            }
        }

        let plainItems = plain.map(JSON.object)
        let (patchItems, serverOnly) = try partitionMaps(current, by: plainItems, mergeKey: mergeKey, path: path)
        let merged = try normalizeElementOrder(patchItems, serverOnly, patchOrder: plainItems, serverOrder: survivors,
                                               mergeKey: mergeKey, kind: .object, path: path)
        return ListMerge(merged: merged, serverOrder: backing)
    }

    // MARK: - $setElementOrder

    /// Merges `patch[field]` (if any) into `result[field]` and puts the merged list in the order the
    /// directive gives: items it names in that order, the others placed relative to them by their
    /// position in the live list. Returns whether the field was handled here.
    static func applyElementOrder(
        _ directive: JSON, field: String, patch: [String: JSON], to result: inout [String: JSON], schema: Schema?,
        path: String
    ) throws -> Bool {
        guard case .array(let order) = directive else {
            throw PatchError(at: path, "invalid patch format of setElementOrder list: expected a list, not \(directive.typeName)")
        }
        let patchValue = patch[field]
        if patchValue?.isNull == true { return false }  // the list itself is deleted; nothing to order
        let originalList = try listValue(result[field], path: path)
        let patchList = try listValue(patchValue, path: path)
        let meta = PatchMeta(schema)
        try validateOrder(patchList ?? [], order, mergeKey: meta.mergeKey, path: path)

        let outcome: ListMerge
        switch (originalList, patchList) {
        case (let live?, nil):
            outcome = ListMerge(merged: live, serverOrder: live)
        case (nil, let added?):
            outcome = ListMerge(merged: try cleanList(added, field: schema, path: path), serverOrder: [])
        case (let live?, let changes?):
            outcome = try mergeListField(live, changes, field: schema, isDeleteList: false, path: path)
        case (nil, nil):
            return false
        }

        let kind = try PatchListElementKind.of(originalList ?? [], patchList ?? [], path: path)
            ?? (meta.mergeKey.isEmpty ? .string : .object)
        let patchItems: [JSON]
        let serverOnly: [JSON]
        if meta.mergeKey.isEmpty {
            (patchItems, serverOnly) = partitionPrimitives(outcome.merged, by: order)
        } else {
            (patchItems, serverOnly) = try partitionMaps(outcome.merged, by: order, mergeKey: meta.mergeKey, path: path)
        }
        result[field] = .array(try normalizeElementOrder(
            patchItems, serverOnly, patchOrder: order, serverOrder: outcome.serverOrder,
            mergeKey: meta.mergeKey, kind: kind, path: path))
        return true
    }

    private static func listValue(_ value: JSON?, path: String) throws -> [JSON]? {
        guard let value else { return nil }
        guard case .array(let items) = value else {
            throw PatchError(at: path, "expected a list, but received a \(value.typeName)")
        }
        return items
    }

    /// The patch list must name its items in the directive's relative order, and only items the directive
    /// names (deletions aside).
    private static func validateOrder(_ patchList: [JSON], _ order: [JSON], mergeKey: String, path: String) throws {
        if order.isEmpty || patchList.isEmpty { return }
        var items = patchList
        if !mergeKey.isEmpty {
            for item in patchList where !item.isObject {
                throw PatchError(at: path, "expected a map, but received a \(item.typeName)")
            }
            items = patchList.filter { $0[directiveMarker]?.stringValue != "delete" }
        }
        var p = 0
        var o = 0
        while p < items.count && o < order.count {
            if items[p][directiveMarker] != nil {
                p += 1
                continue
            }
            if try sameMergeKey(items[p], order[o], mergeKey: mergeKey, path: path) { p += 1 }
            o += 1
        }
        if p < items.count && o >= order.count {
            throw PatchError(at: path, "the order in patch list:\n\(JSON.array(patchList))\n doesn't match \(setElementOrderPrefix) list:\n\(JSON.array(order))")
        }
    }

    private static func sameMergeKey(_ left: JSON, _ right: JSON, mergeKey: String, path: String) throws -> Bool {
        if mergeKey.isEmpty { return left == right }
        for item in [left, right] {
            guard item.isObject else { throw PatchError(at: path, "expected a map, but received a \(item.typeName)") }
            if item[mergeKey] == nil { throw noMergeKey(item, mergeKey, path: path) }
        }
        return left[mergeKey] == right[mergeKey]
    }

    // MARK: - Order

    /// Sorts the patch's items by `patchOrder` and the server-only items by `serverOrder`, then interleaves
    /// them: a server-only item goes first only when the live list puts it before the next patch item.
    private static func normalizeElementOrder(
        _ patchItems: [JSON], _ serverOnly: [JSON], patchOrder: [JSON], serverOrder: [JSON], mergeKey: String,
        kind: PatchListElementKind, path: String
    ) throws -> [JSON] {
        let byMergeKey = kind == .object
        if byMergeKey {
            for list in [patchItems, patchOrder, serverOnly, serverOrder] {
                for item in list {
                    guard item.isObject else { throw PatchError(at: path, "expected a map, but received a \(item.typeName)") }
                    if item[mergeKey] == nil { throw noMergeKey(item, mergeKey, path: path) }
                }
            }
        }
        let patchPositions = PatchListOrder(patchOrder, mergeKey: byMergeKey ? mergeKey : nil)
        let serverPositions = PatchListOrder(serverOrder, mergeKey: byMergeKey ? mergeKey : nil)
        let left = serverPositions.sorted(serverOnly)
        let right = patchPositions.sorted(patchItems)

        var out: [JSON] = []
        out.reserveCapacity(left.count + right.count)
        var i = 0
        var j = 0
        while i < left.count || j < right.count {
            if i >= left.count {
                out.append(right[j]); j += 1
            } else if j >= right.count {
                out.append(left[i]); i += 1
            } else if let l = serverPositions.position(of: left[i]), let r = serverPositions.position(of: right[j]), l < r {
                out.append(left[i]); i += 1
            } else {
                out.append(right[j]); j += 1
            }
        }
        return out
    }

    /// Splits `items` into those whose value appears in `list` and the rest, keeping their order.
    private static func partitionPrimitives(_ items: [JSON], by list: [JSON]) -> ([JSON], [JSON]) {
        let named = Set(list)
        var inList: [JSON] = []
        var rest: [JSON] = []
        for item in items {
            if named.contains(item) { inList.append(item) } else { rest.append(item) }
        }
        return (inList, rest)
    }

    /// Splits maps into those whose merge key some map in `list` carries and the rest, keeping their order.
    private static func partitionMaps(
        _ items: [JSON], by list: [JSON], mergeKey: String, path: String
    ) throws -> ([JSON], [JSON]) {
        var named: Set<JSON> = []
        for entry in list {
            guard case .object(let members) = entry else {
                throw PatchError(at: path, "expected a map, but received a \(entry.typeName)")
            }
            if let key = members[mergeKey] { named.insert(key) }
        }
        var inList: [JSON] = []
        var rest: [JSON] = []
        for item in items {
            guard item.isObject else { throw PatchError(at: path, "expected a map, but received a \(item.typeName)") }
            guard let key = item[mergeKey] else { throw noMergeKey(item, mergeKey, path: path) }
            if named.contains(key) { inList.append(item) } else { rest.append(item) }
        }
        return (inList, rest)
    }

    static func noMergeKey(_ item: JSON, _ mergeKey: String, path: String) -> PatchError {
        PatchError(at: path, "map: \(item) does not contain declared merge key: \(mergeKey)")
    }
}
