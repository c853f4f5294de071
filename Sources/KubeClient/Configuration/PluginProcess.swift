import Foundation
import Synchronization

/// Runs a short-lived helper program (a credential plugin) to completion with a time limit, collecting
/// standard output and standard error.
///
/// Both pipes are drained at the same time on their own threads, so a chatty plugin cannot fill one pipe
/// and deadlock against us waiting on the other. Standard input is `/dev/null`: plugins never get a
/// terminal. The blocking reads run on dedicated threads, neither on the Swift concurrency pool nor on
/// Dispatch's global queues (which on Linux grow slowly when their threads block, delaying everything
/// else queued there).
struct PluginProcess {
    /// How the program ended.
    struct Completion: Sendable {
        /// The exit status, or the signal number when ``killedBySignal``.
        var status: Int32
        var killedBySignal: Bool
        var standardOutput: Data
        var standardError: Data
    }

    enum Failure: Error, Sendable {
        /// The program could not be started; the reason comes from Foundation.
        case cannotLaunch(String)
        /// The time limit passed; the program was sent SIGTERM.
        case timedOut
    }

    let executable: String
    let arguments: [String]
    let environment: [String: String]
    let timeout: Duration

    func run() async throws(Failure) -> Completion {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        let exited = DispatchGroup()
        exited.enter()
        process.terminationHandler = { _ in exited.leave() }
        do {
            try process.run()
        } catch {
            throw .cannotLaunch((error as NSError).localizedDescription)
        }

        let running = Running(process: process, output: output, errors: errors, exited: exited)
        let timer = TimerHandle()
        let result: Result<Completion, Failure> = await withCheckedContinuation { continuation in
            let once = ResumeOnce(continuation)
            timer.set(Task {
                do { try await Task.sleep(for: timeout) } catch { return }
                if once.resume(.failure(.timedOut)) { running.process.terminate() }
            })
            Thread.detachNewThread { _ = once.resume(.success(running.collect())) }
        }
        timer.cancel()
        return try result.get()
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

extension PluginProcess {
    /// A started process and its pipes, handed to the reader threads. `Process` and `Pipe` are not `Sendable`;
    /// after launch only the reading thread touches the pipes and `terminate()` is thread-safe, so sharing
    /// is sound.
    final class Running: @unchecked Sendable {
        let process: Process
        let output: Pipe
        let errors: Pipe
        let exited: DispatchGroup

        init(process: Process, output: Pipe, errors: Pipe, exited: DispatchGroup) {
            self.process = process
            self.output = output
            self.errors = errors
            self.exited = exited
        }

        /// Reads both pipes to the end concurrently, then waits for the exit status. Blocks; call it on a
        /// dedicated thread.
        func collect() -> Completion {
            let reading = DispatchGroup()
            let errorHandle = errors.fileHandleForReading
            let box = DataBox()
            reading.enter()
            Thread.detachNewThread {
                box.set(errorHandle.readDataToEndOfFile())
                reading.leave()
            }
            let standardOutput = output.fileHandleForReading.readDataToEndOfFile()
            reading.wait()
            exited.wait()
            return Completion(
                status: process.terminationStatus,
                killedBySignal: process.terminationReason == .uncaughtSignal,
                standardOutput: standardOutput,
                standardError: box.get()
            )
        }
    }

    /// The time-limit task, cancelled once the program has finished.
    final class TimerHandle: Sendable {
        private let task = Mutex<Task<Void, Never>?>(nil)
        func set(_ value: Task<Void, Never>) { task.withLock { $0 = value } }
        func cancel() { task.withLock { $0?.cancel() } }
    }

    /// Data written by one thread and read by another after a `DispatchGroup.wait()`.
    final class DataBox: Sendable {
        private let data = Mutex(Data())
        func set(_ value: Data) { data.withLock { $0 = value } }
        func get() -> Data { data.withLock { $0 } }
    }

    /// Resumes a continuation exactly once: the first of "finished" and "timed out" wins.
    final class ResumeOnce: Sendable {
        private let continuation: Mutex<CheckedContinuation<Result<Completion, Failure>, Never>?>

        init(_ continuation: CheckedContinuation<Result<Completion, Failure>, Never>) {
            self.continuation = Mutex(continuation)
        }

        /// True when this call resumed it.
        func resume(_ result: Result<Completion, Failure>) -> Bool {
            guard let continuation = continuation.withLock({ value in
                defer { value = nil }
                return value
            }) else { return false }
            continuation.resume(returning: result)
            return true
        }
    }
}
