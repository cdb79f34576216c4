import Foundation
import Testing
import WritCrypto
import WritTestSupport

@Suite("No secret in the logs", .timeLimit(.minutes(3)))
struct SecretLoggingTests {
    @Test("the server at trace level logs neither the database password, the master key, nor any credential it handed out")
    func traceLogsNoSecrets() async throws {
        let database = try await TestCluster.makeDatabase()
        // Trust authentication ignores the password, but it is in the connection strings the
        // server is given, so a log that prints them would show it.
        let password = "db-pass-\(UUID().uuidString)"
        let masterKey = Data(SecureRandom.bytes(32)).base64EncodedString()
        let metricsToken = "metrics-\(UUID().uuidString)"
        // The relay is unreachable (port 1): the mailer only holds the URL, and must not print it.
        let smtpPassword = "smtp-pass-\(UUID().uuidString)"
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("writ-trace-\(UUID().uuidString).log")
        #expect(FileManager.default.createFile(atPath: log.path, contents: nil))
        let handle = try FileHandle(forWritingTo: log)
        defer { try? FileManager.default.removeItem(at: log) }
        let socket = ProcessInfo.processInfo.environment["WRIT_TEST_SOCKET_DIR"] ?? "/tmp"
        let server = try await ServedProcess.start(
            database: database,
            arguments: [
                "--database-url", database.appConnectionString + " password=\(password)",
                "--migrate-database-url", "postgresql://postgres:\(password)@/\(database.name)?host=\(socket)",
                "--log-level", "trace",
            ],
            environment: [
                "WRIT_MASTER_KEY": masterKey, "WRIT_METRICS_TOKEN": metricsToken,
                "WRIT_SMTP_URL": "smtps://writ-mailer:\(smtpPassword)@127.0.0.1:1?from=writ@example.com",
            ], output: handle)
        let base = server.base

        let jar = FileManager.default.temporaryDirectory.appendingPathComponent("writ-jar-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: jar) }
        let signupPassword = "login-pass-\(UUID().uuidString)"
        let signup = try ServedProcess.decoded(
            SessionBody.self,
            from: try ServedProcess.curl([
                "-c", jar, "-H", "Content-Type: application/json", "-d",
                #"{"organization":"Trace","email":"trace-\#(UUID().uuidString.prefix(6))@example.com","password":"\#(signupPassword)"}"#,
                "\(base)/v1/signup",
            ]))
        let csrf = signup.csrfToken
        let session =
            try String(contentsOfFile: jar, encoding: .utf8).split(separator: "\n").last { $0.contains("writ_session") }?
            .split(separator: "\t").last.map(String.init) ?? ""
        #expect(session.hasPrefix("wss_"))
        let key = try ServedProcess.decoded(
            CreatedKeyBody.self,
            from: try ServedProcess.curl([
                "-b", jar, "-H", "Content-Type: application/json", "-H", "X-CSRF-Token: \(csrf)", "-d",
                #"{"name":"traced","scopes":["admin"]}"#, "\(base)/v1/api-keys",
            ])
        ).key
        #expect(key.hasPrefix("writ_"))
        _ = try ServedProcess.curl(["-H", "Authorization: Bearer \(key)", "\(base)/v1/me"])
        _ = try ServedProcess.curl(["-H", "Authorization: Bearer \(metricsToken)", "\(base)/metrics"])
        #expect(try await server.terminate(within: 10))
        try handle.close()

        let text = try String(contentsOf: log, encoding: .utf8)
        #expect(text.contains("trace") || text.contains("debug"), "the server logged nothing at trace level")
        for (name, secret) in [
            ("database password", password), ("master key", masterKey), ("login password", signupPassword),
            ("session token", session), ("CSRF token", csrf), ("API key", key), ("metrics token", metricsToken),
            ("SMTP password", smtpPassword),
        ] {
            #expect(!text.contains(secret), "the log contains the \(name)")
        }
        // Nor any key as the bytes a reflected value would print: the master key and what is derived from it.
        let master = try #require(Data(base64Encoded: masterKey)).map { $0 }
        var keys = [("master key bytes", master)]
        for purpose in ["writ/secret-hash/v1", "writ/seal/v1", "writ/link-token/v1"] {
            keys.append(("key derived for \(purpose)", HMACSHA256.authenticate(Array(purpose.utf8), key: master)))
        }
        for (name, bytes) in keys {
            #expect(!text.contains(bytes.prefix(8).map(String.init).joined(separator: ", ")), "the log contains the \(name)")
            #expect(!text.contains(Hex.encode(bytes)), "the log contains the \(name) in hex")
        }
    }
}
