import ControllerRuntime
import Foundation
import KubeClient
import KubeModel
import Logging
import ServiceLifecycle
import Synchronization

/// kube-controller-manager's job controller and ttl-after-finished controller for the local runtime: runs
/// each Job's pods (the kubelet executes them), counts their outcomes through the
/// `batch.kubernetes.io/job-tracking` finalizer, applies `completions`, `parallelism`, `backoffLimit` (with
/// the exponential delay before replacing failed pods), `activeDeadlineSeconds` and `suspend`, writes the
/// status and conditions, records Events, and deletes finished Jobs whose `ttlSecondsAfterFinished` passed.
///
/// Decisions are ``JobPlanner``'s; this type reads the caches, performs the writes and keeps what upstream
/// keeps in memory: per Job, the pods created or deleted but not yet seen in the cache (no pods are
/// created or deleted until they are, so a stale cache never causes extra pods), the finalizer removals
/// not yet seen, and the pod failure backoff. A second worker pool removes the tracking finalizer from pods
/// whose Job is gone or finished (upstream's orphan queue), so that such pods can be deleted.
public final class JobController: Service, Sendable {
    /// Settings, with upstream's defaults.
    public struct Configuration: Sendable {
        /// Jobs synced at once (`--concurrent-job-syncs`).
        public var workers = 5
        /// Backoff after pod failures; tests shorten `podFailureBackoff`.
        public var settings = JobPlanner.Settings()
        /// The clock requeues wait on (a `ManualClock` in tests).
        public var clock: any Clock<Duration> = ContinuousClock()
        /// Wall time for status timestamps, deadlines and TTLs; keep it consistent with `clock` in tests.
        public var now: @Sendable () -> Date = { Date() }
        /// Pods created or deleted but still unseen after this long are no longer waited for
        /// (`ExpectationsTimeout`, 5 minutes).
        public var expectationsTimeout: TimeInterval = 300

        public init() {}
    }

    let client: KubeClient
    let jobs: Informer<Job>
    let pods: Informer<Pod>
    let recorder: EventRecorder
    let configuration: Configuration
    let memory = Mutex<[String: Memory]>([:])
    let logger: Logger

    public init(client: KubeClient, factory: SharedInformerFactory, configuration: Configuration = Configuration(),
                logger: Logger = Logger(label: "tack.job-controller")) {
        self.client = client
        self.configuration = configuration
        self.logger = logger
        jobs = factory.informer(Job.self)
        pods = factory.informer(Pod.self)
        recorder = EventRecorder(client: client, component: "job-controller", logger: logger, now: configuration.now)
    }

    /// Waits for both caches, then runs the Job workers and the finalizer cleanup until shutdown.
    public func run() async throws {
        let jobs = self.jobs, pods = self.pods
        let controller = Controller(name: "job", workers: configuration.workers,
                                    queue: WorkQueue(clock: configuration.clock, name: "job"), logger: logger) { [self] key in
            try await reconcile(key)
        }
        controller.watch(jobs)
        controller.watch(pods) { event in Self.jobKeys(for: event, jobs: jobs.store) }
        let orphans = Controller(name: "job-orphan-pods", workers: 1,
                                 queue: WorkQueue(clock: configuration.clock, name: "job_orphan_pod"), logger: logger) { [self] key in
            try await releaseFinalizer(podKey: key)
            return .done
        }
        orphans.watch(pods) { event in
            Self.needsFinalizerRelease(event.object.json, jobs: jobs.store) ? [event.object.key] : []
        }
        orphans.watch(jobs) { event in
            let job = event.object.json
            if case .deleted = event {} else if !JobPlanner.isFinished(job) { return [] }
            return pods.store.byIndex("owner", job.uid).filter {
                JobPlanner.hasTrackingFinalizer($0.json) && $0.json.controllerReference?.uid == job.uid
            }.map(\.key)
        }
        // Syncing with a partial pod cache would create pods that exist already.
        guard await waitForCacheSync(jobs, pods) else { return }
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await controller.run() }
            group.addTask { try await orphans.run() }
        }
    }

    // MARK: Memory between syncs

    /// What upstream keeps in `expectations`, `finalizerExpectations` and `podBackoffStore` for one Job.
    struct Memory: Sendable {
        var uid: String
        var backoff = JobPlanner.BackoffRecord()
        /// Names of pods created, with when; cleared once the cache shows them.
        var pendingCreates: [String: Date] = [:]
        /// UIDs of pods deleted, with when; cleared once the cache shows them gone or terminating.
        var pendingDeletes: [String: Date] = [:]
        /// UIDs of pods whose finalizer was removed; cleared once the cache shows it gone.
        var pendingFinalizerRemovals: Set<String> = []

        /// Drops what the cache now shows (or what waited too long); true when nothing is pending.
        mutating func observe(_ pods: [JSON], now: Date, timeout: TimeInterval) -> Bool {
            let names = Set(pods.map(\.name))
            var byUID: [String: JSON] = [:]
            for pod in pods { byUID[pod.uid] = pod }
            pendingCreates = pendingCreates.filter { !names.contains($0.key) && now.timeIntervalSince($0.value) < timeout }
            pendingDeletes = pendingDeletes.filter { uid, at in
                (byUID[uid].map { !$0.isBeingDeleted } ?? false) && now.timeIntervalSince(at) < timeout
            }
            pendingFinalizerRemovals = pendingFinalizerRemovals.filter { byUID[$0].map(JobPlanner.hasTrackingFinalizer) ?? false }
            return pendingCreates.isEmpty && pendingDeletes.isEmpty
        }
    }

    // MARK: Reconcile

    func reconcile(_ key: String) async throws -> ReconcileResult {
        let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return .done }
        let (namespace, name) = (parts[0], parts[1])
        guard let cached = jobs.store.get(name: name, namespace: namespace) else {
            memory.withLock { $0[key] = nil }
            return .done
        }
        var job = cached.json
        if job.apiVersion.isEmpty { job["apiVersion"] = "batch/v1" }
        if job.kind.isEmpty { job["kind"] = "Job" }
        let now = configuration.now()
        var state = memory.withLock { $0[key] }.flatMap { $0.uid == job.uid ? $0 : nil } ?? Memory(uid: job.uid)
        defer {
            let final = state
            memory.withLock { $0[key] = final }
        }

        if JobPlanner.isFinished(job) {
            state = Memory(uid: job.uid)
            return try await expireIfDue(job, now: now)
        }
        let owned = try await claimPods(of: job)
        let satisfied = state.observe(owned, now: now, timeout: configuration.expectationsTimeout)
        let input = JobPlanner.Input(job: job, pods: owned, now: now, backoff: state.backoff, expectationsSatisfied: satisfied,
                                     expectedFinalizerRemovals: state.pendingFinalizerRemovals, settings: configuration.settings)
        let plan = JobPlanner.manage(input)
        for event in plan.events { await recorder.record(job, type: event.type, reason: event.reason, message: event.message) }
        switch plan.mode {
        case .skipped: return .done
        case .finished: return try await expireIfDue(job, now: now)
        case .sync: break
        }

        var firstError: (any Error)?
        var outcome = JobPlanner.PodOutcome()
        let podClient = client.resource(Pod.self, namespace: namespace)
        for pod in plan.deletePods {
            do {
                if plan.deleteRemovesFinalizer && JobPlanner.hasTrackingFinalizer(pod) {
                    try await removeFinalizer(pod)
                }
                try await podClient.delete(pod.name, preconditionUID: pod.uid)
                if plan.deleteRemovesFinalizer { state.pendingDeletes[pod.uid] = now }
                await recorder.record(job, reason: "SuccessfulDelete", message: "Deleted pod: \(pod.name)")
            } catch let error as KubeError where error.isNotFound {
                continue
            } catch {
                outcome.failedDeletes.insert(pod.uid)
                await recorder.record(job, type: .warning, reason: "FailedDelete", message: "Error deleting: \(error)")
                firstError = firstError ?? BatchControllerError(kind: "Job", key: key, action: "deleting pod \(pod.name)", cause: error)
            }
        }
        var generator = SystemRandomNumberGenerator()
        for (i, index) in plan.createIndexes.enumerated() {
            let podName = JobPlanner.podName(for: job.name, completionIndex: index, using: &generator)
            do {
                state.pendingCreates[podName] = now
                _ = try await podClient.create(Pod(json: JobPlanner.newPod(for: job, name: podName, completionIndex: index)))
                await recorder.record(job, reason: "SuccessfulCreate", message: "Created pod: \(podName)")
            } catch {
                // As upstream's slow start: after a failure, the rest waits for the next sync.
                state.pendingCreates[podName] = nil
                outcome.failedCreates = plan.createIndexes.count - i
                await recorder.record(job, type: .warning, reason: "FailedCreate", message: "Error creating: \(error)")
                firstError = firstError ?? BatchControllerError(kind: "Job", key: key, action: "creating pod \(podName)", cause: error)
                break
            }
        }

        let tracking = JobPlanner.track(input, plan, outcome: outcome)
        var current = job
        if let status = tracking.statusToFlush {
            current = try await writeStatus(current, status)
            state.backoff = plan.newBackoff
        }
        for event in tracking.events { await recorder.record(job, type: event.type, reason: event.reason, message: event.message) }
        var removed: Set<String> = []
        for pod in tracking.removeFinalizers {
            do {
                try await removeFinalizer(pod)
                state.pendingFinalizerRemovals.insert(pod.uid)
                removed.insert(pod.uid)
            } catch let error as KubeError where error.isNotFound {
                removed.insert(pod.uid)
            } catch {
                firstError = firstError ?? BatchControllerError(kind: "Job", key: key,
                                                                action: "removing the tracking finalizer of pod \(pod.name)", cause: error)
            }
        }
        let done = JobPlanner.finish(tracking, removed: removed, now: now)
        if let status = done.status {
            current = try await writeStatus(current, status)
        }
        for event in done.events { await recorder.record(current, type: event.type, reason: event.reason, message: event.message) }
        if let firstError { throw firstError }
        if done.jobFinished {
            state = Memory(uid: job.uid)
            if case .wait(let delay) = JobPlanner.ttl(of: current, now: now) { return .after(delay) }
            if case .delete = JobPlanner.ttl(of: current, now: now) { return .after(.zero) }
        }
        return plan.requeueAfter.map { .after($0) } ?? .done
    }

    /// The ttl-after-finished controller: deletes an expired Job (background propagation) after checking a
    /// fresh copy, so that a TTL raised meanwhile is honoured.
    func expireIfDue(_ job: JSON, now: Date) async throws -> ReconcileResult {
        switch JobPlanner.ttl(of: job, now: now) {
        case .none: return .done
        case .wait(let delay): return .after(delay)
        case .delete: break
        }
        let jobClient = client.resource(Job.self, namespace: job.namespace)
        guard let fresh = try await jobClient.getIfPresent(job.name), fresh.uid == job.uid else { return .done }
        switch JobPlanner.ttl(of: fresh.json, now: now) {
        case .none: return .done
        case .wait(let delay): return .after(delay)
        case .delete:
            do {
                try await jobClient.delete(job.name, propagation: .background, preconditionUID: job.uid)
            } catch let error as KubeError where error.isNotFound || error.isConflict {
                // Gone already, or replaced by another Job of the same name.
            }
            return .done
        }
    }

    // MARK: Pods

    /// The pods the Job controls: owned ones, plus orphans matching its selector, adopted with the tracking
    /// finalizer after checking that the Job is not being deleted (`getPodsForJob`, `ClaimPods`); owned pods
    /// that no longer match are released.
    func claimPods(of job: JSON) async throws -> [JSON] {
        let candidates = pods.store.list(namespace: job.namespace).map(\.json)
        guard let selector = try? LabelSelector(json: job["spec"]?["selector"]) else {
            return candidates.filter { $0.controllerReference?.uid == job.uid }
        }
        let claim = ControllerRefClaim.classify(owner: job, selector: selector, candidates: candidates)
        var result = claim.owned
        let podClient = client.resource(Pod.self, namespace: job.namespace)
        if !claim.adopt.isEmpty {
            let fresh = try await client.resource(Job.self, namespace: job.namespace).getIfPresent(job.name)
            if let fresh, fresh.uid == job.uid, !fresh.isBeingDeleted {
                for pod in claim.adopt {
                    var patch = ControllerRefClaim.adoptPatch(owner: job, child: pod)
                    patch[path: ["metadata", "finalizers"]] = [.string(JobPlanner.trackingFinalizer)]
                    do {
                        result.append(try await podClient.patch(pod.name, type: .strategicMerge, body: patch).json)
                    } catch let error as KubeError where error.isNotFound || error.isConflict {}
                }
            }
        }
        for pod in claim.release {
            do {
                _ = try await podClient.patch(pod.name, type: .strategicMerge, body: ControllerRefClaim.releasePatch(owner: job, child: pod))
            } catch let error as KubeError where error.isNotFound || error.isConflict {}
        }
        return result
    }

    func removeFinalizer(_ pod: JSON) async throws {
        let patch: JSON = ["metadata": ["$deleteFromPrimitiveList/finalizers": [.string(JobPlanner.trackingFinalizer)]]]
        _ = try await client.resource(Pod.self, namespace: pod.namespace).patch(pod.name, type: .strategicMerge, body: patch)
    }

    func writeStatus(_ job: JSON, _ status: JSON) async throws -> JSON {
        var updated = job
        updated["status"] = status
        do {
            var written = try await client.resource(Job.self, namespace: job.namespace).updateStatus(Job(json: updated)).json
            if written.apiVersion.isEmpty { written["apiVersion"] = "batch/v1" }
            if written.kind.isEmpty { written["kind"] = "Job" }
            return written
        } catch {
            throw BatchControllerError(kind: "Job", key: "\(job.namespace)/\(job.name)", action: "updating status", cause: error)
        }
    }

    /// Removes the tracking finalizer of a pod whose Job is gone, replaced or finished (`syncOrphanPod`).
    func releaseFinalizer(podKey: String) async throws {
        guard let pod = pods.store.get(podKey)?.json, Self.needsFinalizerRelease(pod, jobs: jobs.store) else { return }
        do {
            try await removeFinalizer(pod)
        } catch let error as KubeError where error.isNotFound {}
    }

    /// True for a pod with the tracking finalizer and no live, unfinished batch/v1 Job controlling it.
    static func needsFinalizerRelease(_ pod: JSON, jobs: InformerStore<Job>) -> Bool {
        guard JobPlanner.hasTrackingFinalizer(pod) else { return false }
        guard let ref = pod.controllerReference else { return true }
        guard ref.kind == "Job", ref.apiVersion == "batch/v1" else { return false }
        guard let job = jobs.get(name: ref.name, namespace: pod.namespace)?.json, job.uid == ref.uid else { return true }
        if let managedBy = job["spec"]?["managedBy"]?.stringValue, managedBy != JobPlanner.controllerName { return false }
        return JobPlanner.isFinished(job)
    }

    /// The Jobs a pod event concerns: its controller (before and after), or for an orphan the Jobs whose
    /// selector matches it and may adopt it.
    static func jobKeys(for event: InformerEvent<Pod>, jobs: InformerStore<Job>) -> [String] {
        var keys: Set<String> = []
        func add(_ pod: JSON) {
            if let ref = pod.controllerReference {
                if ref.kind == "Job" { keys.insert("\(pod.namespace)/\(ref.name)") }
                return
            }
            guard !pod.isBeingDeleted else { return }
            for job in jobs.list(namespace: pod.namespace) {
                guard let selector = try? LabelSelector(json: job.json["spec"]?["selector"]),
                      !selector.isEverything, selector.matches(pod.labels) else { continue }
                keys.insert(job.key)
            }
        }
        add(event.object.json)
        if case .updated(let old, _) = event { add(old.json) }
        return Array(keys)
    }
}
