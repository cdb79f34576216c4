import Foundation
import Testing
import WritAPI
import WritTestSupport

@Suite("Mail through an SMTP relay", .timeLimit(.minutes(3)))
struct SMTPDeliveryTests {
    @Test("approval notices reach a real SMTP server (aiosmtpd) and are marked sent once")
    func relay() async throws {
        let python = try #require(ProcessInfo.processInfo.environment["WRIT_TEST_PYTHON"], "run through scripts/test")
        let maildir = FileManager.default.temporaryDirectory.appendingPathComponent("writ-smtp-\(UUID().uuidString)")
        let port = Int.random(in: 40_000..<50_000)
        let server = Process()
        server.executableURL = URL(fileURLWithPath: python)
        server.arguments = ["-m", "aiosmtpd", "-n", "-l", "127.0.0.1:\(port)", "-c", "aiosmtpd.handlers.Mailbox", maildir.path]
        // Not on our stdout: a lingering child would keep the test run's output pipe open.
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer {
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
        }
        try await Task.sleep(for: .seconds(1))

        let database = try await TestCluster.makeMigratedDatabase()
        var configuration = TestApp.configuration(for: database)
        configuration.smtpURL = "smtp://127.0.0.1:\(port)?from=writ@example.com"
        let app = try await WritApplication.build(configuration: configuration)
        try await app.test(.live) { client in
            let api = APIClient(client: client)
            let signup = try await api.signup()
            let setup = try await api.agentWithKey(as: signup.credential)
            // The admin created the agent's key, so never approves its intents: a second admin does.
            _ = try await api.inviteAndAccept(as: signup.credential, email: "relay-admin@example.com", roles: #"["admin"]"#)
            _ = try await api.call(.post, "/v1/intents", as: .key(setup.key), json: #"{"action":"crm.update","resource":"c/7"}"#)
            var delivered: [String] = []
            for _ in 0..<100 where delivered.isEmpty {
                let new = maildir.appendingPathComponent("new")
                delivered = try (FileManager.default.contentsOfDirectory(atPath: new.path)).map {
                    try String(contentsOfFile: new.appendingPathComponent($0).path, encoding: .utf8)
                }.filter { $0.contains("X-Writ-Kind: approval.requested") }
                if delivered.isEmpty { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(delivered.count == 1)
            #expect(delivered.first?.contains("Subject: Approval requested (T1): crm.update on c/7") == true)
            #expect(delivered.first?.contains("To: relay-admin@example.com") == true)
            try await Task.sleep(for: .seconds(2))
            let again = try FileManager.default.contentsOfDirectory(atPath: maildir.appendingPathComponent("new").path).filter {
                (try? String(contentsOfFile: maildir.appendingPathComponent("new").appendingPathComponent($0).path, encoding: .utf8))?
                    .contains("X-Writ-Kind: approval.requested") == true
            }
            #expect(again.count == 1)
        }
        try? FileManager.default.removeItem(at: maildir)
    }
}
