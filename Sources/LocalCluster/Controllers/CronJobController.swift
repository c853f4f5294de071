import ControllerRuntime
import Foundation
import KubeClient
import KubeModel
import Logging
import ServiceLifecycle

/// kube-controller-manager's cronjob controller (v2) for the local runtime: creates each CronJob's Job at
/// its schedule times (`<cronjob>-<minutes since the epoch>`, so a time is never served twice), honours
/// `concurrencyPolicy`, `suspend`, `startingDeadlineSeconds` and `timeZone`, keeps `status.active`,
/// `lastScheduleTime` and `lastSuccessfulTime`, deletes finished Jobs beyond the history limits, and
/// requeues each CronJob for its next schedule time on the injected clock.
///
/// Decisions are ``CronJobPlanner``'s and schedule arithmetic ``CronScheduleCalculator``'s. As upstream, an
/// unfinished Job missing from `status.active` triggers an uncached read of the CronJob, and an active Job
/// missing from the cache one of the Job, before either is believed.
public final class CronJobController: Service, Sendable {
    /// Settings, with upstream's defaults.
    public struct Configuration: Sendable {
        /// CronJobs synced at once (`--concurrent-cron-job-syncs`).
        public var workers = 5
        /// The clock requeues wait on (a `ManualClock` in tests).
        public var clock: any Clock<Duration> = ContinuousClock()
        /// Wall time the schedules are evaluated at; keep it consistent with `clock` in tests.
        public var now: @Sendable () -> Date = { Date() }
        /// The zone of schedules without `spec.timeZone`: the controller's local zone, as upstream.
        public var defaultTimeZone: TimeZone = .current

        public init() {}
    }

    static let resource = GroupVersionResource(group: "batch", version: "v1", resource: "cronjobs")

    let client: KubeClient
    let cronJobs: Informer<Unstructured>
    let jobs: Informer<Job>
    let recorder: EventRecorder
    let configuration: Configuration
    let logger: Logger

    public init(client: KubeClient, factory: SharedInformerFactory, configuration: Configuration = Configuration(),
                logger: Logger = Logger(label: "tack.cronjob-controller")) {
        self.client = client
        self.configuration = configuration
        self.logger = logger
        cronJobs = factory.informer(for: Self.resource, kind: "CronJob", namespaced: true)
        jobs = factory.informer(Job.self)
        recorder = EventRecorder(client: client, component: "cronjob-controller", logger: logger, now: configuration.now)
    }

    /// Waits for both caches, then syncs CronJobs until shutdown.
    public func run() async throws {
        let cronJobs = self.cronJobs, jobs = self.jobs
        let controller = Controller(name: "cronjob", workers: configuration.workers,
                                    queue: WorkQueue(clock: configuration.clock, name: "cronjob"), logger: logger) { [self] key in
            try await reconcile(key)
        }
        controller.watch(cronJobs)
        controller.watch(jobs) { event in
            var keys: Set<String> = []
            var objects = [event.object.json]
            if case .updated(let old, _) = event { objects.append(old.json) }
            for job in objects {
                if let ref = job.controllerReference, ref.kind == "CronJob" { keys.insert("\(job.namespace)/\(ref.name)") }
            }
            return Array(keys)
        }
        guard await waitForCacheSync(cronJobs, jobs) else { return }
        try await controller.run()
    }

    func reconcile(_ key: String) async throws -> ReconcileResult {
        let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return .done }
        let (namespace, name) = (parts[0], parts[1])
        guard var cronJob = cronJobs.store.get(name: name, namespace: namespace)?.json else { return .done }
        let cronJobClient = client.resource(Self.resource, kind: "CronJob", namespaced: true, namespace: namespace)
        let jobClient = client.resource(Job.self, namespace: namespace)
        let now = configuration.now()
        let children = jobs.store.list(namespace: namespace).map(\.json).filter {
            guard let ref = $0.controllerReference else { return false }
            return ref.kind == "CronJob" && ref.name == name
        }
        let activeUIDs = Set((cronJob["status"]?["active"]?.arrayValue ?? []).compactMap { $0["uid"]?.stringValue })
        if children.contains(where: { !activeUIDs.contains($0.uid) && CronJobPlanner.finishedType(of: $0) == nil }) {
            // Our status update may not have reached the cache yet: believe the API server.
            guard let fresh = try await cronJobClient.getIfPresent(name) else { return .done }
            cronJob = fresh.json
        }
        if cronJob.apiVersion.isEmpty { cronJob["apiVersion"] = "batch/v1" }
        if cronJob.kind.isEmpty { cronJob["kind"] = "CronJob" }
        let childUIDs = Set(children.map(\.uid))
        var missing: Set<String> = []
        for ref in cronJob["status"]?["active"]?.arrayValue ?? [] {
            guard let uid = ref["uid"]?.stringValue, !childUIDs.contains(uid), let jobName = ref["name"]?.stringValue else { continue }
            if try await jobClient.getIfPresent(jobName) == nil { missing.insert(uid) }
        }

        let plan = CronJobPlanner.plan(CronJobPlanner.Input(cronJob: cronJob, jobs: children, now: now, missingActive: missing,
                                                            defaultTimeZone: configuration.defaultTimeZone))
        var status = plan.status
        var firstError: (any Error)?
        for job in plan.deleteJobs {
            do {
                try await jobClient.delete(job.name, propagation: .background)
                await recorder.record(cronJob, reason: "SuccessfulDelete", message: "Deleted job \(job.name)")
            } catch let error as KubeError where error.isNotFound {
                await recorder.record(cronJob, reason: "SuccessfulDelete", message: "Deleted job \(job.name)")
            } catch {
                await recorder.record(cronJob, type: .warning, reason: "FailedDelete", message: "Deleted job: \(error)")
                firstError = firstError ?? BatchControllerError(kind: "CronJob", key: key, action: "deleting job \(job.name)", cause: error)
            }
        }
        if firstError == nil, let job = plan.createJob, let scheduled = plan.scheduledTime {
            do {
                let created = try await jobClient.create(Job(json: job))
                await recorder.record(cronJob, reason: "SuccessfulCreate", message: "Created job \(created.name)")
                status = CronJobPlanner.recordCreated(created.json, scheduledTime: scheduled, in: status)
            } catch let error as KubeError where error.isAlreadyExists {
                // Created by an earlier sync whose status write was lost: adopt it into the status.
                let existing = try await jobClient.get(job.name).json
                if existing.controllerReference?.uid == cronJob.uid {
                    status = CronJobPlanner.recordCreated(existing, scheduledTime: scheduled, in: status)
                }
            } catch {
                await recorder.record(cronJob, type: .warning, reason: "FailedCreate", message: "Error creating job: \(error)")
                firstError = BatchControllerError(kind: "CronJob", key: key, action: "creating job \(job.name)", cause: error)
            }
        }
        let original = cronJob["status"] ?? .emptyObject
        if status != original && !(status.isEmptyValue && original.isEmptyValue) {
            var updated = cronJob
            updated["status"] = status
            do {
                _ = try await cronJobClient.updateStatus(Unstructured(json: updated))
            } catch {
                throw BatchControllerError(kind: "CronJob", key: key, action: "updating status", cause: error)
            }
        }
        for event in plan.events { await recorder.record(cronJob, type: event.type, reason: event.reason, message: event.message) }
        if let firstError { throw firstError }
        return plan.requeueAfter.map { .after($0) } ?? .done
    }
}
