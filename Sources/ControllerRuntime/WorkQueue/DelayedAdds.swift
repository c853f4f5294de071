/// The work queue's pending delayed adds: for each key the instant it becomes ready, ordered by that
/// instant (client-go's `waitForPriorityQueue` plus its `knownEntries` map). Adding a key that is already
/// pending keeps the earlier of the two deadlines. Pure value type; the queue's actor owns it.
struct DelayedAdds<Key: Hashable> {
    private struct Entry {
        var readyAt: AnyClock.Instant
        /// Insertion order, so that keys with equal deadlines come out first-in first-out, and so that a
        /// heap entry can be recognised as superseded.
        var sequence: UInt64
        var key: Key

        func precedes(_ other: Entry) -> Bool {
            (readyAt, sequence) < (other.readyAt, other.sequence)
        }
    }

    /// Binary min-heap on (readyAt, sequence). When a key's deadline moves earlier, a new entry is pushed
    /// and the old one goes stale (its sequence no longer matches `pending`); stale entries are dropped as
    /// they reach the top, and the heap is rebuilt if they pile up.
    private var heap: [Entry] = []
    private var pending: [Key: Entry] = [:]
    private var nextSequence: UInt64 = 0

    /// Number of keys waiting.
    var count: Int { pending.count }

    var isEmpty: Bool { pending.isEmpty }

    /// When `key` is pending, the instant it becomes ready.
    func readyAt(_ key: Key) -> AnyClock.Instant? { pending[key]?.readyAt }

    /// Schedules `key` for `readyAt`; if it is already scheduled earlier, nothing changes.
    mutating func insert(_ key: Key, readyAt: AnyClock.Instant) {
        if let existing = pending[key], existing.readyAt <= readyAt { return }
        nextSequence += 1
        let entry = Entry(readyAt: readyAt, sequence: nextSequence, key: key)
        pending[key] = entry
        push(entry)
        if heap.count > 2 * pending.count + 64 { rebuild() }
    }

    /// The earliest deadline, if any key is waiting.
    mutating func nextDeadline() -> AnyClock.Instant? {
        dropStaleTop()
        return heap.first?.readyAt
    }

    /// Removes and returns, earliest first, every key whose deadline is at or before `now`.
    mutating func popDue(at now: AnyClock.Instant) -> [Key] {
        var due: [Key] = []
        while let top = nextDeadline(), top <= now {
            let entry = popTop()
            pending[entry.key] = nil
            due.append(entry.key)
        }
        return due
    }

    mutating func removeAll() {
        heap.removeAll()
        pending.removeAll()
    }

    // MARK: Heap

    private mutating func dropStaleTop() {
        while let top = heap.first, pending[top.key]?.sequence != top.sequence {
            _ = popTop()
        }
    }

    private mutating func rebuild() {
        heap = pending.values.sorted { $0.precedes($1) }  // a sorted array is a valid heap
    }

    private mutating func push(_ entry: Entry) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func popTop() -> Entry {
        let top = heap[0]
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var smallest = parent
                if left < heap.count, heap[left].precedes(heap[smallest]) { smallest = left }
                if right < heap.count, heap[right].precedes(heap[smallest]) { smallest = right }
                if smallest == parent { break }
                heap.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return top
    }
}
