import CTackSystem
import Foundation
import Glibc
import Synchronization

/// One running container: a host process started as the leader of its own session, so that signals reach
/// everything it starts. Its stdout and stderr go through a pipe to the container's log. Exit is observed
/// by a thread blocked in `waitpid` on this pid only (other parts of Tack run child processes too, so the
/// kubelet never reaps pids it did not start).
final class ContainerProcess: Sendable {
    let pid: pid_t
    let startedAt: Date
    private let exit = Mutex<ExitState>(ExitState())

    struct ExitState {
        var status: Int32?
        var finishedAt: Date?
        var waiters: [CheckedContinuation<Int32, Never>] = []
    }

    struct LaunchError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    /// Starts `executable` (absolute path) with `arguments` (argv[1...]), environment and working directory;
    /// output goes to `log`.
    static func launch(executable: String, arguments: [String], environment: [String: String], directory: String,
                       log: ContainerLogWriter) throws -> ContainerProcess {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0, fcntl(fds[0], F_SETFD, FD_CLOEXEC) == 0, fcntl(fds[1], F_SETFD, FD_CLOEXEC) == 0 else {
            throw LaunchError(message: "cannot create a pipe for the container's output: \(String(cString: strerror(errno)))")
        }
        let readEnd = fds[0], writeEnd = fds[1]
        let argv = [executable] + arguments
        let envp = environment.map { "\($0.key)=\($0.value)" }.sorted()
        var pid: pid_t = 0
        let rc = withCStrings(argv) { argvPointers in
            withCStrings(envp) { envPointers in
                tack_spawn(&pid, executable, argvPointers, envPointers, directory, writeEnd)
            }
        }
        close(writeEnd)
        if rc != 0 {
            close(readEnd)
            throw LaunchError(message: "cannot start \(executable): \(String(cString: strerror(rc)))")
        }
        let child = pid
        let process = ContainerProcess(pid: child)
        log.attach(readEnd: readEnd)
        let thread = Thread {
            var status: Int32 = 0
            var result: pid_t
            repeat {
                result = waitpid(child, &status, 0)
            } while result == -1 && errno == EINTR
            process.exited(status: Self.exitCode(status))
        }
        thread.name = "tack-wait-\(child)"
        thread.start()
        return process
    }

    private init(pid: pid_t) {
        self.pid = pid
        startedAt = Date()
    }

    /// The shell convention: the exit code, or 128 + the signal that ended the process.
    static func exitCode(_ status: Int32) -> Int32 {
        let signal = status & 0x7f
        if signal == 0 { return (status >> 8) & 0xff }
        return 128 + signal
    }

    private func exited(status: Int32) {
        let waiters = exit.withLock { e -> [CheckedContinuation<Int32, Never>] in
            e.status = status
            e.finishedAt = Date()
            let w = e.waiters
            e.waiters = []
            return w
        }
        for w in waiters { w.resume(returning: status) }
    }

    /// The exit code once the process has ended.
    var exitStatus: Int32? { exit.withLock { $0.status } }
    var finishedAt: Date? { exit.withLock { $0.finishedAt } }
    var isRunning: Bool { exitStatus == nil }

    /// Waits for the process to end; returns its exit code.
    func wait() async -> Int32 {
        await withCheckedContinuation { continuation in
            let done = exit.withLock { e -> Int32? in
                if let s = e.status { return s }
                e.waiters.append(continuation)
                return nil
            }
            if let done { continuation.resume(returning: done) }
        }
    }

    /// Sends a signal to the whole process group.
    func signal(_ signal: Int32) {
        guard isRunning else { return }
        if kill(-pid, signal) != 0 { kill(pid, signal) }
    }

    /// SIGTERM, then SIGKILL after `grace` if the process has not ended.
    func terminate(grace: Duration) async {
        guard isRunning else { return }
        signal(SIGTERM)
        let ended = await withTaskGroup(of: Bool.self) { group in
            group.addTask { _ = await self.wait(); return true }
            group.addTask { try? await Task.sleep(for: grace); return false }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        if !ended {
            signal(SIGKILL)
            _ = await wait()
        }
    }
}

/// Calls `body` with a NULL-terminated array of C strings.
func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    let pointers = strings.map { strdup($0) } + [nil]
    defer { for p in pointers { free(p) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}

/// Resolves a command name against a PATH list, as execvp would.
func resolveExecutable(_ name: String, path: String?) -> String? {
    if name.contains("/") {
        return access(name, X_OK) == 0 ? name : nil
    }
    for dir in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
        let candidate = "\(dir)/\(name)"
        if access(candidate, X_OK) == 0 { return candidate }
    }
    return nil
}
