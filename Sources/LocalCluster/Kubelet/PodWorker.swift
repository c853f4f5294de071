import Foundation
import Glibc
import KubeClient
import KubeModel
import Logging
import Synchronization

/// Runs one pod: its address and directories, init containers in order, then the app containers, each
/// supervised (restart policy with crash-loop back-off, startup/liveness/readiness probes), its status
/// written back through `pods/status`, and graceful termination (preStop, SIGTERM, grace period,
/// SIGKILL) when the pod is deleted.
actor PodWorker {
    let context: KubeletContext
    let uid: String
    private(set) var pod: JSON
    private var podIP = ""
    private var startTime = Date()
    private var initStates: [ContainerRuntimeState] = []
    private var appStates: [ContainerRuntimeState] = []
    private var processes: [String: ContainerProcess] = [:]
    private var attempts: [String: Int] = [:]
    private var supervisors: [Task<Void, Never>] = []
    private var terminating = false
    private var finished = false
    private var statusWriter: Task<Void, Never>?
    private var statusDirty = false
    private var references = PodReferences()
    private var configError: String?

    init(pod: JSON, context: KubeletContext) {
        self.pod = pod
        self.uid = pod.uid
        self.context = context
        let previous = pod["status"]
        func states(_ key: String, _ statusKey: String, isInit: Bool) -> [ContainerRuntimeState] {
            (pod["spec"]?[key]?.arrayValue ?? []).map { c in
                var s = ContainerRuntimeState(name: c["name"]?.stringValue ?? "", image: c["image"]?.stringValue ?? "", isInit: isInit)
                // After a restart of tack, a container that was running restarts: count it.
                if let old = previous?[statusKey]?.arrayValue?.first(where: { $0["name"]?.stringValue == s.name }) {
                    s.restartCount = (old["restartCount"]?.intValue ?? 0) + (old["state"]?["running"] != nil ? 1 : 0)
                }
                return s
            }
        }
        initStates = states("initContainers", "initContainerStatuses", isInit: true)
        appStates = states("containers", "containerStatuses", isInit: false)
        if let started = previous?["startTime"]?.stringValue.flatMap(Timestamp.parse) { startTime = started }
    }

    var podDirectory: URL { context.configuration.podsDirectory.appendingPathComponent(uid) }
    var root: URL { podDirectory.appendingPathComponent("root") }
    var restartPolicy: String { pod["spec"]?["restartPolicy"]?.stringValue ?? "Always" }
    var label: String { "\(pod.namespace)/\(pod.name)" }

    /// Running container attempts, readable without the actor (log streaming polls it).
    nonisolated let runningAttempts = Mutex<[String: Int]>([:])

    // MARK: Lifecycle

    /// Starts the pod. Returns at once; containers run in supervisor tasks.
    func start() async {
        killLeftoverProcesses()
        guard let ip = context.addresses.address(for: uid, preferred: pod["status"]?["podIP"]?.stringValue) else {
            context.logger.error("no free pod address", metadata: ["pod": "\(label)"])
            return
        }
        podIP = ip
        markDirty()
        let task = Task { await self.runPod() }
        supervisors.append(task)
    }

    /// A newer version of the pod object (deletion, in particular).
    func update(_ newer: JSON) async {
        pod = newer
        if newer.isBeingDeleted && !terminating {
            let grace = newer["metadata"]?["deletionGracePeriodSeconds"]?.intValue ?? newer["spec"]?["terminationGracePeriodSeconds"]?.intValue ?? 30
            await terminate(grace: .seconds(max(0, grace)), deleteObject: true)
        }
    }

    /// Stops every container (tack is stopping, or the pod is gone). Leaves the pod object alone.
    func stop(grace: Duration) async {
        await terminate(grace: grace, deleteObject: false)
    }

    private func runPod() async {
        do {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        } catch {
            context.logger.error("cannot create the pod directory", metadata: ["pod": "\(label)", "error": "\(error)"])
        }
        // Volumes and references: retried until they can be prepared (a ConfigMap created after the pod).
        while !terminating {
            references = await context.references(for: pod)
            do {
                try volumes().prepare()
                configError = nil
                break
            } catch let error as ContainerConfigError {
                configError = error.message
                setAllWaiting(reason: "CreateContainerConfigError", message: error.message)
                await context.recorder.record(pod, type: .warning, reason: "FailedMount", message: "MountVolume.SetUp failed: \(error.message)")
                try? await Task.sleep(for: .seconds(5))
            } catch {
                configError = "\(error)"
                setAllWaiting(reason: "CreateContainerConfigError", message: "\(error)")
                try? await Task.sleep(for: .seconds(5))
            }
        }
        // Init containers, in order, each to success.
        for index in initStates.indices {
            while !terminating {
                let exit = await runOnce(index: index, isInit: true)
                guard let exit else { break }
                if exit == 0 { break }
                if restartPolicy == "Never" {
                    finished = true
                    markDirty()
                    return
                }
                let backoff = ContainerRestartPolicy.backoff(restartCount: initStates[index].restartCount + 1, lastRun: 0)
                await backOff(index: index, isInit: true, delay: backoff)
            }
            if terminating { return }
        }
        markDirty()
        await withTaskGroup(of: Void.self) { group in
            for index in appStates.indices {
                group.addTask { await self.supervise(index: index) }
            }
        }
        if !terminating {
            finished = true
            markDirty()
            await flushStatus()
        }
    }

    /// One app container: run, and restart per the restart policy with back-off.
    private func supervise(index: Int) async {
        while !terminating {
            let started = Date()
            guard let exit = await runOnce(index: index, isInit: false) else { return }
            if terminating { return }
            guard ContainerRestartPolicy.shouldRestart(exitCode: exit, policy: restartPolicy) else { return }
            let delay = ContainerRestartPolicy.backoff(restartCount: appStates[index].restartCount + 1,
                                                      lastRun: Date().timeIntervalSince(started))
            await backOff(index: index, isInit: false, delay: delay)
        }
    }

    private func backOff(index: Int, isInit: Bool, delay: Duration) async {
        let name = isInit ? initStates[index].name : appStates[index].name
        if delay > .zero {
            let message = "back-off \(delay.components.seconds)s restarting failed container=\(name) pod=\(pod.name)_\(pod.namespace)(\(uid))"
            update(index: index, isInit: isInit) { $0.state = .waiting(reason: "CrashLoopBackOff", message: message) }
            await context.recorder.record(pod, type: .warning, reason: "BackOff", message: "Back-off restarting failed container \(name) in pod \(pod.name)_\(pod.namespace)(\(uid))",
                                          fieldPath: "spec.\(isInit ? "initContainers" : "containers"){\(name)}")
            try? await Task.sleep(for: delay)
        }
        update(index: index, isInit: isInit) { $0.restartCount += 1 }
    }

    /// Runs a container once; returns its exit code, or nil when it cannot start while terminating.
    private func runOnce(index: Int, isInit: Bool) async -> Int32? {
        let spec = containerSpec(index: index, isInit: isInit)
        let name = spec["name"]?.stringValue ?? ""
        let fieldPath = "spec.\(isInit ? "initContainers" : "containers"){\(name)}"
        // Resolve what to run.
        var program: ResolvedProgram?
        var reported = false
        while !terminating && program == nil {
            switch context.catalog.current().resolve(container: spec) {
            case .runnable(let p):
                program = p
            case .notRunnable(let failure):
                update(index: index, isInit: isInit) { $0.state = .waiting(reason: failure.reason, message: failure.message) }
                if !reported {
                    await context.recorder.record(pod, type: .warning, reason: "Failed", message: failure.message, fieldPath: fieldPath)
                    reported = true
                }
                // The catalog may gain an entry (DIR/images.yaml); look again soon.
                try? await Task.sleep(for: .seconds(5))
            }
        }
        guard let program, !terminating else { return nil }
        let environment: [String: String]
        do {
            var env = try ContainerEnvironment.build(.init(
                pod: podWithIP, container: spec, podIP: podIP, hostIP: "127.0.0.1", podRoot: root.path,
                kubeconfig: volumes().kubeconfigPath, hostPath: ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin",
                references: references))
            for (k, v) in program.environment where env[k] == nil { env[k] = v }
            environment = env
        } catch {
            let message = "\(error)"
            update(index: index, isInit: isInit) { $0.state = .waiting(reason: "CreateContainerConfigError", message: message) }
            await context.recorder.record(pod, type: .warning, reason: "Failed", message: "Error: \(message)", fieldPath: fieldPath)
            try? await Task.sleep(for: .seconds(5))
            references = await context.references(for: pod)
            return await runOnce(index: index, isInit: isInit)
        }
        var commandLine = program.argv
        if let script = program.script {
            let scriptURL = podDirectory.appendingPathComponent("scripts").appendingPathComponent("\(name)-\(attempts[name].map { $0 + 1 } ?? 0)")
            try? FileManager.default.createDirectory(at: scriptURL.deletingLastPathComponent(), withIntermediateDirectories: true)
            try? script.write(to: scriptURL, atomically: true, encoding: .utf8)
            try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: scriptURL.path)
            commandLine = program.commandLine(scriptPath: scriptURL.path)
        }
        commandLine = commandLine.map { ContainerEnvironment.expand($0, environment) }
        let programName = commandLine.first ?? ""
        let arguments = Array(commandLine.dropFirst())
        guard let executable = resolveExecutable(programName, path: environment["PATH"]) else {
            let message = "exec: \"\(programName)\": executable file not found in $PATH"
            update(index: index, isInit: isInit) { s in
                let now = Date()
                s.state = .terminated(.init(exitCode: 127, reason: "StartError", message: message, startedAt: now, finishedAt: now, containerID: ""))
            }
            await context.recorder.record(pod, type: .warning, reason: "Failed", message: "Error: \(message)", fieldPath: fieldPath)
            return 127
        }
        var directory = root.path
        if let workingDir = spec["workingDir"]?.stringValue, !workingDir.isEmpty {
            let url = volumes().hostPath(for: workingDir)
            try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            directory = url.path
        }
        let attempt = (attempts[name] ?? (context.logs.attempts(podUID: uid, container: name).last ?? -1)) + 1
        attempts[name] = attempt
        let logPath = context.logs.path(podUID: uid, container: name, attempt: attempt)
        let process: ContainerProcess
        do {
            try FileManager.default.createDirectory(atPath: (logPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            let writer = try ContainerLogWriter(path: logPath)
            process = try ContainerProcess.launch(executable: executable, arguments: arguments, environment: environment,
                                                  directory: directory, log: writer)
        } catch {
            let message = "\(error)"
            update(index: index, isInit: isInit) { s in
                let now = Date()
                s.state = .terminated(.init(exitCode: 128, reason: "StartError", message: message, startedAt: now, finishedAt: now, containerID: ""))
            }
            await context.recorder.record(pod, type: .warning, reason: "Failed", message: "Error: \(message)", fieldPath: fieldPath)
            return 128
        }
        processes[name] = process
        runningAttempts.withLock { $0[name] = attempt }
        recordPID(process, container: name)
        let containerID = "tack://\(uid)-\(name)-\(attempt)"
        update(index: index, isInit: isInit) { s in
            if let t = s.terminated { s.lastTerminated = t }
            s.state = .running(startedAt: process.startedAt)
            s.containerID = containerID
            s.started = spec["startupProbe"] == nil
            s.ready = false
        }
        await context.recorder.record(pod, reason: "Pulled", message: "Container image \"\(spec["image"]?.stringValue ?? "")\" already present on machine", fieldPath: fieldPath)
        await context.recorder.record(pod, reason: "Created", message: "Created container \(name)", fieldPath: fieldPath)
        await context.recorder.record(pod, reason: "Started", message: "Started container \(name)", fieldPath: fieldPath)
        let probes: Task<Void, Never>? = isInit ? nil : Task {
            await self.probe(index: index, spec: spec, process: process, environment: environment, directory: directory)
        }
        let exit = await process.wait()
        runningAttempts.withLock { $0[name] = nil }
        probes?.cancel()
        let message = terminationMessage(spec: spec, exitCode: exit, logPath: logPath)
        update(index: index, isInit: isInit) { s in
            s.ready = false
            s.state = .terminated(.init(exitCode: exit, reason: exit == 0 ? "Completed" : (exit == 137 && s.killedForOOM ? "OOMKilled" : "Error"),
                                        message: message, startedAt: process.startedAt, finishedAt: process.finishedAt ?? Date(),
                                        containerID: containerID))
        }
        try? FileManager.default.removeItem(at: pidFile(container: name))
        return exit
    }

    private var podWithIP: JSON {
        var p = pod
        p[path: ["status", "podIP"]] = .string(podIP)
        return p
    }

    private func containerSpec(index: Int, isInit: Bool) -> JSON {
        (pod["spec"]?[isInit ? "initContainers" : "containers"]?.arrayValue ?? [])[index]
    }

    private func volumes() -> PodVolumes {
        var serviceAccount: PodVolumes.ServiceAccountFiles?
        if let server = context.configuration.apiServerURL, let token = context.configuration.apiToken, let ca = context.configuration.apiCAPEM {
            serviceAccount = .init(token: token, caPEM: ca, server: server)
        }
        return PodVolumes(pod: podWithIP, podDirectory: podDirectory, root: root, references: references,
                          claimsDirectory: context.configuration.claimsDirectory, serviceAccount: serviceAccount)
    }

    /// `terminationMessagePath` (remapped under the pod root), or the log tail with FallbackToLogsOnError.
    private func terminationMessage(spec: JSON, exitCode: Int32, logPath: String) -> String? {
        let path = spec["terminationMessagePath"]?.stringValue ?? "/dev/termination-log"
        let file = volumes().hostPath(for: path)
        if let text = try? String(contentsOf: file, encoding: .utf8), !text.isEmpty {
            return String(text.suffix(4096))
        }
        if spec["terminationMessagePolicy"]?.stringValue == "FallbackToLogsOnError", exitCode != 0,
           let log = try? String(contentsOfFile: logPath, encoding: .utf8) {
            let lines = log.split(separator: "\n").suffix(80).map { ContainerLogStore.parse($0).text }
            return String(lines.joined(separator: "\n").suffix(2048))
        }
        return nil
    }

    // MARK: Probes

    private func probe(index: Int, spec: JSON, process: ContainerProcess, environment: [String: String], directory: String) async {
        let name = spec["name"]?.stringValue ?? ""
        let fieldPath = "spec.containers{\(name)}"
        func settings(_ probe: JSON) -> (delay: Int, period: Int, success: Int, failure: Int) {
            (probe["initialDelaySeconds"]?.intValue ?? 0, max(1, probe["periodSeconds"]?.intValue ?? 10),
             max(1, probe["successThreshold"]?.intValue ?? 1), max(1, probe["failureThreshold"]?.intValue ?? 3))
        }
        if let startup = spec["startupProbe"] {
            let s = settings(startup)
            try? await Task.sleep(for: .seconds(s.delay))
            var failures = 0
            while !Task.isCancelled && process.isRunning {
                switch await context.probes.run(startup, podIP: podIP, container: spec, environment: environment, directory: directory) {
                case .success:
                    update(index: index, isInit: false) { $0.started = true }
                    failures = s.failure + 1
                case .failure(let why):
                    failures += 1
                    if failures >= s.failure {
                        await context.recorder.record(pod, type: .warning, reason: "Unhealthy", message: "Startup probe failed: \(why)", fieldPath: fieldPath)
                        await kill(process: process, spec: spec, reason: "failed startup probe", fieldPath: fieldPath)
                        return
                    }
                }
                if failures > s.failure { break }
                try? await Task.sleep(for: .seconds(s.period))
            }
        }
        if Task.isCancelled || !process.isRunning { return }
        await withTaskGroup(of: Void.self) { group in
            if let readiness = spec["readinessProbe"] {
                group.addTask {
                    let s = settings(readiness)
                    try? await Task.sleep(for: .seconds(s.delay))
                    var successes = 0, failures = 0
                    while !Task.isCancelled && process.isRunning {
                        switch await self.context.probes.run(readiness, podIP: await self.podIP, container: spec, environment: environment, directory: directory) {
                        case .success:
                            successes += 1
                            failures = 0
                            if successes >= s.success { await self.update(index: index, isInit: false) { $0.ready = true } }
                        case .failure(let why):
                            failures += 1
                            successes = 0
                            if failures >= s.failure {
                                let wasReady = await self.appStates[index].ready
                                await self.update(index: index, isInit: false) { $0.ready = false }
                                if wasReady || failures == s.failure {
                                    await self.context.recorder.record(await self.pod, type: .warning, reason: "Unhealthy",
                                                                       message: "Readiness probe failed: \(why)", fieldPath: fieldPath)
                                }
                            }
                        }
                        try? await Task.sleep(for: .seconds(s.period))
                    }
                }
            } else {
                update(index: index, isInit: false) { $0.ready = true }
            }
            if let liveness = spec["livenessProbe"] {
                group.addTask {
                    let s = settings(liveness)
                    try? await Task.sleep(for: .seconds(s.delay))
                    var failures = 0
                    while !Task.isCancelled && process.isRunning {
                        switch await self.context.probes.run(liveness, podIP: await self.podIP, container: spec, environment: environment, directory: directory) {
                        case .success:
                            failures = 0
                        case .failure(let why):
                            failures += 1
                            await self.context.recorder.record(await self.pod, type: .warning, reason: "Unhealthy",
                                                               message: "Liveness probe failed: \(why)", fieldPath: fieldPath)
                            if failures >= s.failure {
                                await self.kill(process: process, spec: spec, reason: "failed liveness probe", fieldPath: fieldPath)
                                return
                            }
                        }
                        try? await Task.sleep(for: .seconds(s.period))
                    }
                }
            }
        }
    }

    private func kill(process: ContainerProcess, spec: JSON, reason: String, fieldPath: String) async {
        let name = spec["name"]?.stringValue ?? ""
        await context.recorder.record(pod, reason: "Killing", message: "Container \(name) \(reason), will be restarted", fieldPath: fieldPath)
        let grace = pod["spec"]?["terminationGracePeriodSeconds"]?.intValue ?? 30
        await process.terminate(grace: .seconds(grace))
    }

    // MARK: Termination

    private func terminate(grace: Duration, deleteObject: Bool) async {
        guard !terminating else { return }
        terminating = true
        let running = processes.filter { $0.value.isRunning }
        await withTaskGroup(of: Void.self) { group in
            for (name, process) in running {
                let spec = ((pod["spec"]?["containers"]?.arrayValue ?? []) + (pod["spec"]?["initContainers"]?.arrayValue ?? []))
                    .first { $0["name"]?.stringValue == name } ?? .emptyObject
                group.addTask {
                    if deleteObject {
                        await self.context.recorder.record(await self.pod, reason: "Killing", message: "Stopping container \(name)",
                                                           fieldPath: "spec.containers{\(name)}")
                        if let preStop = spec["lifecycle"]?["preStop"] {
                            await self.runHook(preStop, spec: spec, within: grace)
                        }
                    }
                    await process.terminate(grace: grace)
                }
            }
        }
        for task in supervisors { task.cancel() }
        statusWriter?.cancel()
        guard deleteObject else { return }
        // Final status, then remove the pod (the last step of graceful deletion).
        for i in appStates.indices where appStates[i].isRunning {
            appStates[i].state = .terminated(.init(exitCode: 143, reason: "Error", message: nil, startedAt: startTime, finishedAt: Date(),
                                                   containerID: appStates[i].containerID ?? ""))
        }
        do {
            try await context.pods.delete(pod.name, namespace: pod.namespace, preconditionUID: uid, gracePeriodSeconds: 0)
        } catch let error as KubeError where error.isNotFound || error.isConflict {
        } catch {
            context.logger.warning("could not remove a terminated pod", metadata: ["pod": "\(label)", "error": "\(error)"])
        }
    }

    /// Removes the pod's directory and address once the pod object is gone.
    func cleanUp() {
        context.addresses.release(uid)
        try? FileManager.default.removeItem(at: podDirectory)
    }

    private func runHook(_ hook: JSON, spec: JSON, within grace: Duration) async {
        if let exec = hook["exec"] {
            var probe: JSON = ["exec": exec]
            probe["timeoutSeconds"] = JSON(Int(grace.components.seconds))
            let env = (try? ContainerEnvironment.build(.init(pod: podWithIP, container: spec, podIP: podIP, hostIP: "127.0.0.1", podRoot: root.path,
                                                             kubeconfig: nil, hostPath: ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                                                             references: references))) ?? [:]
            _ = await context.probes.run(probe, podIP: podIP, container: spec, environment: env, directory: root.path)
        } else if let get = hook["httpGet"] {
            _ = await context.probes.run(["httpGet": get, "timeoutSeconds": JSON(Int(grace.components.seconds))], podIP: podIP,
                                         container: spec, environment: [:], directory: root.path)
        } else if let sleep = hook["sleep"]?["seconds"]?.intValue {
            try? await Task.sleep(for: .seconds(sleep))
        }
    }

    // MARK: Leftover processes (tack killed without stopping its pods)

    private func pidFile(container: String) -> URL {
        podDirectory.appendingPathComponent("pids").appendingPathComponent("\(container).pid")
    }

    private func recordPID(_ process: ContainerProcess, container: String) {
        let url = pidFile(container: container)
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let start = Self.processStartTime(process.pid) ?? ""
        try? "\(process.pid) \(start)\n".write(to: url, atomically: true, encoding: .utf8)
    }

    /// Kills processes a previous run of tack left behind for this pod (recorded pid with the same start time).
    private func killLeftoverProcesses() {
        let dir = podDirectory.appendingPathComponent("pids")
        for file in (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [] {
            let url = dir.appendingPathComponent(file)
            defer { try? FileManager.default.removeItem(at: url) }
            guard let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
            let parts = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
            guard let pid = parts.first.flatMap({ pid_t($0) }), pid > 1 else { continue }
            if parts.count > 1, Self.processStartTime(pid) != String(parts[1]) { continue }
            Glibc.kill(-pid, SIGKILL)
            Glibc.kill(pid, SIGKILL)
        }
    }

    /// Field 22 of /proc/<pid>/stat: when the process started, to tell a recycled pid from ours.
    static func processStartTime(_ pid: pid_t) -> String? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 19 ? String(fields[19]) : nil
    }

    // MARK: Status

    private func setAllWaiting(reason: String, message: String) {
        for i in initStates.indices where !initStates[i].isRunning && initStates[i].terminated == nil {
            initStates[i].state = .waiting(reason: reason, message: message)
        }
        for i in appStates.indices where !appStates[i].isRunning {
            appStates[i].state = .waiting(reason: reason, message: message)
        }
        markDirty()
    }

    private func update(index: Int, isInit: Bool, _ change: (inout ContainerRuntimeState) -> Void) {
        if isInit {
            let before = initStates[index]
            change(&initStates[index])
            if initStates[index] != before { markDirty() }
        } else {
            let before = appStates[index]
            change(&appStates[index])
            if appStates[index] != before { markDirty() }
        }
    }

    private func markDirty() {
        statusDirty = true
        guard statusWriter == nil else { return }
        statusWriter = Task {
            try? await Task.sleep(for: .milliseconds(20))
            await self.flushStatus()
        }
    }

    /// Writes the current status through `pods/status` (coalescing bursts of changes).
    func flushStatus() async {
        statusWriter = nil
        guard statusDirty else { return }
        statusDirty = false
        let status = renderStatus()
        do {
            _ = try await context.pods.patch(pod.name, namespace: pod.namespace, type: .merge, body: ["status": status], subresource: "status")
        } catch let error as KubeError where error.isNotFound {
            return
        } catch {
            context.logger.debug("pod status write failed; retrying", metadata: ["pod": "\(label)", "error": "\(error)"])
            statusDirty = true
            try? await Task.sleep(for: .milliseconds(200))
            if !terminating { markDirty() }
        }
    }

    func renderStatus() -> JSON {
        let phase = PodStatusCalculator.phase(initContainers: initStates, containers: appStates, restartPolicy: restartPolicy)
        let initialized = initStates.allSatisfy { $0.terminated?.exitCode == 0 }
        let ready = initialized && !appStates.isEmpty && appStates.allSatisfy { $0.ready && $0.isRunning }
        let completed = phase == "Succeeded" || phase == "Failed"
        var status: JSON = [
            "phase": .string(phase),
            "podIP": .string(podIP), "podIPs": [["ip": .string(podIP)]],
            "hostIP": "127.0.0.1", "hostIPs": [["ip": "127.0.0.1"]],
            "startTime": .string(Timestamp.format(startTime)),
            "qosClass": pod["status"]?["qosClass"] ?? "BestEffort",
            "conditions": .array(PodStatusCalculator.conditions(previous: pod["status"]?["conditions"]?.arrayValue ?? [],
                                                                initialized: initialized, containersReady: ready, sandboxReady: !podIP.isEmpty,
                                                                now: Date(), completed: completed)),
            "containerStatuses": .array(appStates.map { $0.json() }),
        ]
        if !initStates.isEmpty { status["initContainerStatuses"] = .array(initStates.map { $0.json() }) }
        if let configError, phase == "Pending" { status["message"] = .string(configError) }
        return status
    }
}

extension ContainerRuntimeState {
    /// The local runtime sets no memory limits, so a SIGKILL is never an OOM kill.
    var killedForOOM: Bool { false }
}
