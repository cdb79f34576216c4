import Foundation
import Testing
import WritCore
import WritCrypto
import WritTestSupport

@Suite("No usable secret at rest", .timeLimit(.minutes(3)))
struct SecretsAtRestTests {
    /// A superuser's plain-SQL dump of the test's database, as a backup would hold it.
    static func dump(_ database: TestDatabaseInfo) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/pg_dump")
        process.arguments = [
            "--no-owner", "-h", ProcessInfo.processInfo.environment["WRIT_TEST_SOCKET_DIR"] ?? "/tmp", "-U", "postgres", database.name,
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// Every compact JWS in `text` whose header says it is a warrant and that carries a signature.
    static func signedWarrants(in text: String) throws -> [String] {
        let pattern = try NSRegularExpression(pattern: #"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"#)
        return pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
            guard let range = Range(match.range, in: text) else { return nil }
            let token = String(text[range])
            guard let parts = JWS.Parts(compact: token), !parts.signature.isEmpty,
                let header = try? JSONParser.parse(parts.header), header["typ"]?.stringValue == "writ-warrant+jwt"
            else { return nil }
            return token
        }
    }

    @Test("after board links, invitations, sessions, keys, signing secrets and warrants, a database dump holds none that works")
    func dumpHoldsNoWorkingSecret() async throws {
        let mail = TestApp.mailDirectory()
        try await TestApp.withServer(configure: { $0.mailDirectory = mail.path }) { api, database in
            let signup = try await api.signup()
            let setup = try await api.agentWithKey(as: signup.credential)
            var secrets: [(String, String)] = [
                ("session", signup.credential.sessionCookie ?? ""), ("csrf", signup.credential.csrf ?? ""),
                ("agent key", setup.key),
            ]
            var board: [ApprovalFlowTests.Person] = []
            for _ in 0..<2 {
                let email = "b-\(UUID().uuidString.prefix(6))@example.com"
                let (invited, accepted, token) = try await api.inviteAndAccept(as: signup.credential, email: email, roles: #"["board"]"#)
                secrets.append(("invitation link", token))
                board.append(
                    .init(credential: try Credential.session(from: accepted), id: try invited.decoded(MemberBody.self).id, totp: nil))
            }
            let waiting = "never-\(UUID().uuidString.prefix(6))@example.com"
            _ = try await api.call(.post, "/v1/members", as: signup.credential, json: #"{"email":"\#(waiting)","roles":["auditor"]}"#)
            secrets.append(("unaccepted invitation link", try await api.invitationToken(for: waiting)))
            let t0 = try await api.call(.post, "/v1/intents", as: .key(setup.key), json: #"{"action":"s3.objects.read","resource":"b/1"}"#)
            secrets.append(("T0 warrant", try #require(try t0.decoded(IntentBody.self).warrant)))
            let t3 = try await api.call(
                .post, "/v1/intents", as: .key(setup.key),
                json: #"{"action":"k8s.deployment.scale","resource":"prod/web","params":{"replicas":90}}"#)
            let links = try await BoardApprovalTests.links(in: mail, count: 2)
            #expect(links.count == 2)
            for (_, token) in links { secrets.append(("board link", token)) }
            // One member votes; the other link stays live until the intent is decided.
            let firstLink = try #require(links.values.first)
            #expect(
                try await api.call(.post, "/v1/approval-links/decide", json: #"{"token":"\#(firstLink)","decision":"approve"}"#).status
                    == .ok)
            let t3State = try await api.call(.get, "/v1/intents/\(try t3.decoded(IntentBody.self).id)", as: .key(setup.key))
            if let warrant = try t3State.decoded(IntentBody.self).warrant { secrets.append(("T3 warrant", warrant)) }
            let admin = try await api.call(.post, "/v1/api-keys", as: signup.credential, json: #"{"name":"auto","scopes":["admin"]}"#)
                .decoded(CreatedKeyBody.self)
            secrets.append(("admin key", admin.key))
            secrets.append(("request-signing secret", admin.signingSecret))

            let text = try Self.dump(database)
            #expect(text.contains("CREATE TABLE"), "the dump is empty")
            for (name, secret) in secrets {
                #expect(!secret.isEmpty, "no \(name) was handed out")
                #expect(!text.contains(secret), "the dump holds a \(name)")
            }
            for prefix in ["wsb_", "wsi_", "wss_", "wsk_", "writ_"] {
                let pattern = try NSRegularExpression(pattern: NSRegularExpression.escapedPattern(for: prefix) + "[A-Za-z0-9_-]{20,}")
                #expect(
                    pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil, "the dump holds a \(prefix)… token")
            }
            #expect(try Self.signedWarrants(in: text).isEmpty, "the dump holds a signed warrant")
            // The links that were mailed do work: the dump is clean because nothing usable is stored.
            let secondLink = try #require(links.values.first { $0 != firstLink })
            #expect(try await api.call(.post, "/v1/approval-links/view", json: #"{"token":"\#(secondLink)"}"#).status == .ok)
        }
        try? FileManager.default.removeItem(at: mail)
    }
}
