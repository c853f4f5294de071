import DequeModule

/// A deduplicating work queue of keys with delayed and rate-limited adds: client-go's
/// `workqueue.TypedRateLimitingInterface` (queue.go + delaying_queue.go + rate_limiting_queue.go) as an
/// actor.
///
/// The rules, as upstream:
/// - **Deduplication.** A key added several times before a worker takes it is handed out once
///   (the *dirty* set).
/// - **Exclusivity.** A key handed out by `get()` is *processing* until `done(_:)`; it is never handed to
///   a second worker meanwhile. Adding it while it is processing marks it dirty, and `done(_:)` queues it
///   again, once however many adds happened.
/// - **Order.** Distinct keys come out first-in first-out.
/// - **Delays.** `addAfter` holds a key until the injected clock reaches the deadline; a key delayed twice
///   keeps the earlier deadline. `addRateLimited` asks the rate limiter for the delay.
/// - **Shutdown.** After `shutDown()` adds are ignored, pending delayed adds are dropped and `get()`
///   returns nil once the queue is empty (keys already queued are still handed out, as upstream; keys that
///   were dirty while processing are queued again by `done`). `shutDownWithDrain()` additionally waits
///   until no key is processing; calling `shutDown()` meanwhile releases that wait.
///
/// Swift additions: a task that is cancelled gets nil from `get()` (without taking a key), so a cancelled
/// worker group stops at once. Delays run on one timer task per queue, sleeping on the injected clock until
/// the earliest pending deadline; it is replaced when an earlier deadline arrives and cancelled on shutdown.
public actor WorkQueue<Key: Hashable & Sendable> {
    /// A label for logs and metrics.
    public nonisolated let name: String
    private let rateLimiter: any RateLimiter<Key>
    private let clock: AnyClock

    /// Keys ready to be handed out, in order. Every key here is dirty and not processing.
    private var queue: Deque<Key> = []
    /// Keys that need processing (queued, or re-added while processing).
    private var dirty: Set<Key> = []
    /// Keys handed out and not yet `done`.
    private var processing: Set<Key> = []
    private var shuttingDown = false
    private var drain = false

    /// Workers suspended in `get()`; only ever non-empty while `queue` is empty.
    private var getWaiters: Deque<(id: UInt64, continuation: CheckedContinuation<Key?, Never>)> = []
    private var nextWaiterID: UInt64 = 0
    /// Callers suspended in `shutDownWithDrain()`.
    private var drainWaiters: [CheckedContinuation<Void, Never>] = []

    private var delayed = DelayedAdds<Key>()
    private var timer: Task<Void, Never>?
    private var timerDeadline: AnyClock.Instant?
    private var timerGeneration: UInt64 = 0

    /// A queue whose delays and rate limits read `clock`. With no `rateLimiter`, client-go's default
    /// controller limiter (``DefaultRateLimiters/controller(clock:)``) is built on that same clock.
    public init(rateLimiter: (any RateLimiter<Key>)? = nil, clock: any Clock<Duration> = ContinuousClock(),
                name: String = "") {
        let clock = AnyClock(clock)
        self.clock = clock
        self.rateLimiter = rateLimiter ?? DefaultRateLimiters.controller(clock: clock)
        self.name = name
    }

    deinit {
        timer?.cancel()
    }

    // MARK: Adding

    /// Marks `key` as needing processing. Ignored after shutdown.
    public func add(_ key: Key) {
        guard !shuttingDown, !dirty.contains(key) else { return }
        dirty.insert(key)
        // A key being processed goes back on the queue when it is done.
        guard !processing.contains(key) else { return }
        queue.append(key)
        handOut()
    }

    /// Adds `key` once `delay` has passed on the queue's clock (at once if `delay` is not positive). If
    /// the key is already waiting, the earlier deadline wins. Ignored after shutdown.
    public func addAfter(_ key: Key, delay: Duration) {
        guard !shuttingDown else { return }
        guard delay > .zero else {
            add(key)
            return
        }
        delayed.insert(key, readyAt: clock.now.advanced(by: delay))
        armTimer()
    }

    /// Adds `key` after the delay the rate limiter gives it (which also counts a requeue).
    public func addRateLimited(_ key: Key) {
        addAfter(key, delay: rateLimiter.when(key))
    }

    /// Clears the rate limiter's history for `key`; call it once the key has been handled successfully.
    /// It does not remove the key from the queue.
    public func forget(_ key: Key) {
        rateLimiter.forget(key)
    }

    /// How many times `key` has been rate-limited since it was last forgotten.
    public func numRequeues(_ key: Key) -> Int {
        rateLimiter.numRequeues(key)
    }

    // MARK: Processing

    /// Next key to process, waiting if none; nil after shutdown. The caller must call done(key).
    ///
    /// After shutdown, keys still queued are handed out before nil (drain them, or cancel the workers).
    /// A cancelled task gets nil.
    public func get() async -> Key? {
        if Task.isCancelled { return nil }
        if let key = takeNext() { return key }
        if shuttingDown { return nil }
        nextWaiterID += 1
        let id = nextWaiterID
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                getWaiters.append((id, continuation))
            }
        } onCancel: {
            Task { await self.cancelGet(id) }
        }
    }

    /// Marks `key`, handed out by `get()`, as processed. If it was added again meanwhile it is queued
    /// again now.
    public func done(_ key: Key) {
        // Unlike upstream, `done` for a key that is not processing does nothing (rather than queueing a
        // dirty key a second time).
        guard processing.remove(key) != nil else { return }
        if dirty.contains(key) {
            queue.append(key)
            handOut()
        }
        if processing.isEmpty { releaseDrainWaiters() }
    }

    // MARK: Shutdown

    /// Stops the queue: further adds are ignored, pending delayed adds are dropped, waiting workers get
    /// nil, and `get()` returns nil once the queue is empty. Also ends any `shutDownWithDrain()` wait.
    public func shutDown() {
        drain = false
        beginShutdown()
        releaseDrainWaiters()
    }

    /// Like `shutDown()`, then waits until every key handed out has been marked `done` (or until
    /// `shutDown()` is called). Workers must keep calling `done` for this to return.
    public func shutDownWithDrain() async {
        drain = true
        beginShutdown()
        while drain, !processing.isEmpty {
            await withCheckedContinuation { drainWaiters.append($0) }
        }
    }

    // MARK: Inspection

    /// Keys ready to be handed out (not counting keys being processed or waiting for a delay).
    public var count: Int { queue.count }

    /// Whether `shutDown()` or `shutDownWithDrain()` has been called.
    public var isShuttingDown: Bool { shuttingDown }

    /// Keys handed out and not yet done.
    public var processingCount: Int { processing.count }

    /// Keys waiting for an `addAfter` / `addRateLimited` deadline.
    public var delayedCount: Int { delayed.count }

    // MARK: Internals

    private func takeNext() -> Key? {
        guard let key = queue.popFirst() else { return nil }
        processing.insert(key)
        dirty.remove(key)
        return key
    }

    /// Gives queued keys to suspended workers, oldest waiter first.
    private func handOut() {
        while !getWaiters.isEmpty, let key = takeNext() {
            getWaiters.removeFirst().continuation.resume(returning: key)
        }
    }

    private func cancelGet(_ id: UInt64) {
        // Already gone if a key (or nil at shutdown) reached it first; then the caller owns that key.
        guard let index = getWaiters.firstIndex(where: { $0.id == id }) else { return }
        getWaiters.remove(at: index).continuation.resume(returning: nil)
    }

    private func beginShutdown() {
        shuttingDown = true
        delayed.removeAll()
        disarmTimer()
        // Waiters exist only while the queue is empty, so they all get nil.
        while let waiter = getWaiters.popFirst() {
            waiter.continuation.resume(returning: nil)
        }
    }

    private func releaseDrainWaiters() {
        let waiters = drainWaiters
        drainWaiters.removeAll()
        for waiter in waiters { waiter.resume() }
    }

    /// Makes sure a timer task sleeps until the earliest pending deadline.
    private func armTimer() {
        guard !shuttingDown, let next = delayed.nextDeadline() else {
            disarmTimer()
            return
        }
        if timer != nil, let armed = timerDeadline, armed <= next { return }
        timer?.cancel()
        timerGeneration += 1
        let generation = timerGeneration
        let clock = self.clock
        timerDeadline = next
        timer = Task { [weak self] in
            do {
                try await clock.sleep(until: next)
            } catch {
                return  // replaced by an earlier deadline, or shut down
            }
            await self?.timerFired(generation)
        }
    }

    private func disarmTimer() {
        timer?.cancel()
        timer = nil
        timerDeadline = nil
    }

    private func timerFired(_ generation: UInt64) {
        // A superseded timer may still get here if it woke just before being cancelled; moving due keys
        // is harmless either way, but only the current timer clears the bookkeeping.
        if generation == timerGeneration {
            timer = nil
            timerDeadline = nil
        }
        guard !shuttingDown else { return }
        for key in delayed.popDue(at: clock.now) { add(key) }
        armTimer()
    }
}
