import Foundation
import Testing
import WritCrypto
import WritTestSupport

@Suite("No secret in the logs", .timeLimit(.minutes(3)))
struct SecretLoggingTests {
    private static let binary = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/debug/writ")

    /// Runs curl with `arguments`; returns what it printed.
    private static func curl(_ arguments: [String]) throws -> String {
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        curl.arguments = ["-s"] + arguments
        let output = Pipe()
        curl.standardOutput = output
        try curl.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        curl.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    private static func json(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    @Test("the server at trace level logs neither the database password, the master key, nor any credential it handed out")
    func traceLogsNoSecrets() async throws {
        let database = try await TestCluster.makeDatabase()
        // Trust authentication ignores the password, but it is in the connection strings the
        // server is given, so a log that prints them would show it.
        let password = "db-pass-\(UUID().uuidString)"
        let masterKey = Data(SecureRandom.bytes(32)).base64EncodedString()
        let metricsToken = "metrics-\(UUID().uuidString)"
        let port = Int.random(in: 20_000..<40_000)
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = [
            "serve", "--database-url", database.appConnectionString + " password=\(password)",
            "--migrate-database-url", "postgresql://postgres:\(password)@/\(database.name)?host="
                + (ProcessInfo.processInfo.environment["WRIT_TEST_SOCKET_DIR"] ?? "/tmp"),
            "--http-address", "127.0.0.1:\(port)", "--migrations-dir", TestCluster.migrationsDirectory.path,
            "--static-dir", TestCluster.staticDirectory.path, "--log-level", "trace",
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["WRIT_MASTER_KEY"] = masterKey
        environment["WRIT_METRICS_TOKEN"] = metricsToken
        process.environment = environment
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("writ-trace-\(UUID().uuidString).log")
        #expect(FileManager.default.createFile(atPath: log.path, contents: nil))
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        defer {
            if process.isRunning { process.terminate() }
            try? FileManager.default.removeItem(at: log)
        }
        let base = "http://127.0.0.1:\(port)"
        var ready = false
        for _ in 0..<150 where !ready {
            try await Task.sleep(for: .milliseconds(100))
            ready = try Self.curl(["-o", "/dev/null", "-w", "%{http_code}", "\(base)/readyz"]) == "200"
        }
        #expect(ready)

        let jar = FileManager.default.temporaryDirectory.appendingPathComponent("writ-jar-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: jar) }
        let signupPassword = "login-pass-\(UUID().uuidString)"
        let signup = Self.json(try Self.curl([
            "-c", jar, "-H", "Content-Type: application/json", "-d",
            #"{"organization":"Trace","email":"trace-\#(UUID().uuidString.prefix(6))@example.com","password":"\#(signupPassword)"}"#,
            "\(base)/v1/signup",
        ]))
        let csrf = try #require(signup["csrf_token"] as? String)
        let session = try String(contentsOfFile: jar, encoding: .utf8).split(separator: "\n").last { $0.contains("writ_session") }?
            .split(separator: "\t").last.map(String.init) ?? ""
        #expect(session.hasPrefix("wss_"))
        let key = Self.json(try Self.curl([
            "-b", jar, "-H", "Content-Type: application/json", "-H", "X-CSRF-Token: \(csrf)", "-d",
            #"{"name":"traced","scopes":["admin"]}"#, "\(base)/v1/api-keys",
        ]))["key"] as? String ?? ""
        #expect(key.hasPrefix("writ_"))
        _ = try Self.curl(["-H", "Authorization: Bearer \(key)", "\(base)/v1/me"])
        _ = try Self.curl(["-H", "Authorization: Bearer \(metricsToken)", "\(base)/metrics"])
        process.terminate()
        for _ in 0..<100 where process.isRunning { try await Task.sleep(for: .milliseconds(100)) }
        try handle.close()

        let text = try String(contentsOf: log, encoding: .utf8)
        #expect(text.contains("trace") || text.contains("debug"), "the server logged nothing at trace level")
        for (name, secret) in [("database password", password), ("master key", masterKey), ("login password", signupPassword),
                               ("session token", session), ("CSRF token", csrf), ("API key", key), ("metrics token", metricsToken)] {
            #expect(!text.contains(secret), "the log contains the \(name)")
        }
    }
}
