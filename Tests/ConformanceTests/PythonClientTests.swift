import Foundation
import Testing
import TestSupport

/// Runs the official Python client's test script (Tests/python) against a live embedded cluster.
@Suite("Python client")
struct PythonClientTests {
    @Test("the kubernetes Python client does CRUD, watch, patches and server-side apply")
    func pythonClient() async throws {
        let python = Fixtures.repositoryFile(".venv/bin/python").path
        try #require(FileManager.default.isExecutableFile(atPath: python),
                     "the Python client's virtualenv is missing: run scripts/test, which creates .venv with the kubernetes package")
        let cluster = try await LiveCluster.start()
        defer { Task { await cluster.stop() } }
        let result = try await Command.run(python, ["-m", "pytest", "-q", "--tb=short", "-p", "no:cacheprovider",
                                                    Fixtures.repositoryFile("Tests/python").path],
                                           environment: cluster.environment, timeout: .seconds(300))
        #expect(result.succeeded, "\(result)")
    }
}
