import Foundation

/// Runs a real program (kubectl, python, tack) and captures its output, with a deadline so that a hung
/// child fails the test instead of hanging it.
struct CommandResult: Sendable, CustomStringConvertible {
    var status: Int32
    var stdout: String
    var stderr: String
    var succeeded: Bool { status == 0 }
    var description: String { "exit \(status)\nstdout:\n\(stdout)\nstderr:\n\(stderr)" }
}

final class RunningCommand: @unchecked Sendable {
    let process: Process
    let outURL: URL
    let errURL: URL

    init(process: Process, outURL: URL, errURL: URL) {
        self.process = process
        self.outURL = outURL
        self.errURL = errURL
    }

    var output: String { (try? String(contentsOf: outURL, encoding: .utf8)) ?? "" }
    var errorOutput: String { (try? String(contentsOf: errURL, encoding: .utf8)) ?? "" }

    func terminate() {
        if process.isRunning { process.terminate() }
    }

    func kill() {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
    }

    /// Waits for exit; past the deadline the process is killed and the result says so.
    func wait(timeout: Duration) async -> CommandResult {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        var timedOut = false
        if process.isRunning {
            timedOut = true
            kill()
            process.waitUntilExit()
        }
        var err = errorOutput
        if timedOut { err += "\n[killed after \(timeout)]" }
        return CommandResult(status: timedOut ? -9 : process.terminationStatus, stdout: output, stderr: err)
    }
}

enum Command {
    static func start(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                      stdin: String? = nil, directory: URL? = nil) throws -> RunningCommand {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable.hasPrefix("/") ? executable : try which(executable))
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        if let directory { process.currentDirectoryURL = directory }
        let tmp = FileManager.default.temporaryDirectory
        let outURL = tmp.appendingPathComponent("cmd-\(UUID().uuidString).out")
        let errURL = tmp.appendingPathComponent("cmd-\(UUID().uuidString).err")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        if let stdin {
            let inURL = tmp.appendingPathComponent("cmd-\(UUID().uuidString).in")
            try Data(stdin.utf8).write(to: inURL)
            process.standardInput = try FileHandle(forReadingFrom: inURL)
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        try process.run()
        return RunningCommand(process: process, outURL: outURL, errURL: errURL)
    }

    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:], stdin: String? = nil,
                    directory: URL? = nil, timeout: Duration = .seconds(120)) async throws -> CommandResult {
        try await start(executable, arguments, environment: environment, stdin: stdin, directory: directory).wait(timeout: timeout)
    }

    struct NotFound: Error, CustomStringConvertible {
        let name: String
        var description: String { "\(name) is not on PATH; run scripts/test, which installs what the tests need" }
    }

    static func which(_ name: String) throws -> String {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw NotFound(name: name)
    }
}
