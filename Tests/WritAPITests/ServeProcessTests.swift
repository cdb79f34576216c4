import Foundation
import Testing
import WritCrypto
import WritTestSupport

@Suite("writ serve as a process", .timeLimit(.minutes(3)))
struct ServeProcessTests {
    private static let binary = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/debug/writ")

    /// Whether `curl -f` fetches `url` (curl is one of the packages the scripts install).
    private static func curlSucceeds(_ url: String) throws -> Bool {
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        curl.arguments = ["-sf", "-o", "/dev/null", url]
        try curl.run()
        curl.waitUntilExit()
        return curl.terminationStatus == 0
    }

    @Test("serves, prints the console URL, and exits 0 on SIGTERM after shutting down gracefully")
    func gracefulShutdown() async throws {
        let database = try await TestCluster.makeDatabase()
        let port = Int.random(in: 20_000..<40_000)
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = [
            "serve", "--database-url", database.appConnectionString, "--migrate-database-url", database.adminConnectionString,
            "--http-address", "127.0.0.1:\(port)", "--migrations-dir", TestCluster.migrationsDirectory.path,
            "--static-dir", TestCluster.staticDirectory.path, "--log-level", "warning",
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["WRIT_MASTER_KEY"] = Data(SecureRandom.bytes(32)).base64EncodedString()
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        #expect(try await eventually(every: .milliseconds(100)) { try Self.curlSucceeds("http://127.0.0.1:\(port)/readyz") })
        process.terminate()
        #expect(try await eventually(every: .milliseconds(100)) { !process.isRunning })
        #expect(process.terminationStatus == 0)
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(printed.contains("Writ console: http://127.0.0.1:"))
    }
}
