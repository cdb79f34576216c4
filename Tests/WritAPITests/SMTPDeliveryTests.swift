import Foundation
import Postgres
import Testing
import WritAPI
import WritCore
import WritTestSupport

@Suite("Mail through an SMTP server", .timeLimit(.minutes(3)))
struct SMTPDeliveryTests {
    /// Credentials with characters that must be percent-encoded in the URL.
    static let user = "writ@example.com"
    static let password = "s3cr:t/pa ss"
    static var encodedCredentials: String { "writ%40example.com:s3cr%3At%2Fpa%20ss" }

    /// The plain-text part's and the HTML part's text of a received message.
    static func parts(of text: String) throws -> (plain: String, html: String) {
        func part(after header: String) throws -> String {
            let start = try #require(text.range(of: header + "\r\n\r\n")).upperBound
            let end = try #require(text.range(of: "\r\n--=_writ_", range: start..<text.endIndex)).lowerBound
            return String(text[start..<end])
        }
        let plain = try part(after: "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 7bit")
        let encoded = try part(after: "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64")
        return (
            plain, String(decoding: try #require(Data(base64Encoded: encoded.replacingOccurrences(of: "\r\n", with: ""))), as: UTF8.self)
        )
    }

    /// The outbox rows of a tenant as the owner sees them: attempts, sent or not, last error.
    static func outbox(_ database: TestDatabaseInfo, tenant: String) async throws -> [(attempts: Int, sent: Bool, error: String?)] {
        let owner = ConnectionPool(configuration: database.migrateConfiguration)
        defer { Task { await owner.close() } }
        return try await owner.query(
            """
            SELECT attempts, sent_at IS NOT NULL AS sent, last_error FROM writ.outbox WHERE tenant_id = \(UUID(uuidString: tenant)!)
            """
        ).map { (try $0.decode(Int.self, "attempts"), try $0.decode(Bool.self, "sent"), try $0.decode(String?.self, "last_error")) }
    }

    /// The tenant's outbox once its first message has been attempted (or after 10 s).
    static func outboxAfterFirstAttempt(_ database: TestDatabaseInfo, tenant: String) async throws -> [(
        attempts: Int, sent: Bool, error: String?
    )] {
        var rows: [(attempts: Int, sent: Bool, error: String?)] = []
        _ = try await eventually(every: .milliseconds(100)) {
            rows = try await outbox(database, tenant: tenant)
            return rows.first.map { $0.attempts > 0 } ?? false
        }
        return rows
    }

    @Test("board links reach the server over STARTTLS with AUTH, as plain text and HTML, once each, and work")
    func boardLinksOverSTARTTLS() async throws {
        let server = try await SMTPTestServer.start(.startTLS, user: Self.user, password: Self.password)
        defer { server.stop() }
        try await TestApp.withServer(configure: {
            $0.smtpURL = "smtp://\(Self.encodedCredentials)@127.0.0.1:\(server.port)?from=writ@example.com"
            $0.smtpCAFile = server.certificate.path
        }) { api, database in
            let signup = try await api.signup()
            let setup = try await api.agentWithKey(as: signup.credential)
            var board: [String] = []
            for _ in 0..<2 {
                let email = "board-\(UUID().uuidString.prefix(8))@example.com"
                _ = try await api.inviteAndAccept(as: signup.credential, email: email, roles: #"["board"]"#)
                board.append(email)
            }
            let intent = try await api.call(
                .post, "/v1/intents", as: .key(setup.key),
                json: #"""
                    {"action":"k8s.deployment.scale","resource":"prod/web","params":{"replicas":80}}
                    """#)
            #expect(try intent.decoded(IntentBody.self).tier == "T3", "\(intent.status) \(intent.body)")
            let mails = try await server.messages(kind: .boardApprovalLink, count: 2)
            #expect(mails.count == 2)
            var recipients: [String] = []
            for mail in mails {
                #expect(mail.tls && mail.authenticated)
                #expect(mail.text.contains("\r\nFrom: Writ <writ@example.com>\r\n"))
                #expect(mail.text.contains("Content-Type: multipart/alternative; boundary="))
                let (plain, html) = try Self.parts(of: mail.text)
                let link = try #require(
                    plain.components(separatedBy: "\r\n").map { $0.trimmingCharacters(in: .whitespaces) }
                        .first { $0.hasPrefix("http://127.0.0.1:8080/approve#wsb_") })
                #expect(html.contains("href=\"\(link)\""))
                #expect(html.contains("k8s.deployment.scale on prod/web"))
                let token = String(link.split(separator: "#")[1])
                #expect(try await api.call(.post, "/v1/approval-links/view", json: #"{"token":"\#(token)"}"#).status == .ok)
                recipients += mail.text.components(separatedBy: "\r\n").filter { $0.hasPrefix("To: ") }.map { String($0.dropFirst(4)) }
            }
            #expect(Set(recipients) == Set(board))
            let attempts = try server.authAttempts()
            #expect(!attempts.isEmpty && attempts.allSatisfy { $0.tls && $0.accepted })
            // Once the outbox marks every message sent nothing is sent again: then count.
            #expect(try await eventually { try await Self.outbox(database, tenant: signup.tenant).allSatisfy(\.sent) })
            #expect(try server.received().filter { $0.text.contains("X-Writ-Kind: board.approval_link") }.count == 2)
        }
    }

    @Test("smtps:// speaks TLS from the first byte and authenticates")
    func implicitTLS() async throws {
        let server = try await SMTPTestServer.start(.implicitTLS, user: Self.user, password: Self.password)
        defer { server.stop() }
        try await TestApp.withServer(configure: {
            $0.smtpURL = "smtps://\(Self.encodedCredentials)@127.0.0.1:\(server.port)"
            $0.smtpCAFile = server.certificate.path
            $0.mailDirectory = nil
        }) { api, _ in
            let signup = try await api.signup()
            _ = try await api.call(.post, "/v1/members", as: signup.credential, json: #"{"email":"tls@example.com","roles":["operator"]}"#)
            let mails = try await server.messages(kind: .invitation, count: 1)
            #expect(mails.count == 1)
            #expect(mails.first.map { $0.tls && $0.authenticated && $0.text.contains("/invite#wsi_") } == true)
        }
    }

    @Test("a refused login never puts the credentials in the outbox or the log, even when the server echoes them")
    func refusedLoginStaysSecret() async throws {
        // The server knows another password, and echoes the AUTH line it refuses.
        let server = try await SMTPTestServer.start(.implicitTLS, user: Self.user, password: "another password", echoRefusedAuth: true)
        defer { server.stop() }
        try await TestApp.withServer(configure: {
            $0.smtpURL = "smtps://\(Self.encodedCredentials)@127.0.0.1:\(server.port)"
            $0.smtpCAFile = server.certificate.path
            $0.mailDirectory = nil
        }) { api, database in
            let signup = try await api.signup()
            _ = try await api.call(.post, "/v1/members", as: signup.credential, json: #"{"email":"echo@example.com","roles":["operator"]}"#)
            let rows = try await Self.outboxAfterFirstAttempt(database, tenant: signup.tenant)
            let echoed = Data(([0] + Array(Self.user.utf8) + [0] + Array(Self.password.utf8))).base64EncodedString()
            #expect(try server.authAttempts().contains { !$0.accepted }, "the server saw no refused login")
            #expect(rows.first?.error?.contains("refused the login") == true, "\(rows)")
            #expect(rows.first?.error.map { !$0.contains(echoed) && !$0.contains(Self.password) } == true, "\(rows)")
        }
    }

    @Test("an untrusted certificate stops delivery before the credentials are sent; the message waits with the reason")
    func untrustedCertificate() async throws {
        let server = try await SMTPTestServer.start(.startTLS, user: Self.user, password: Self.password)
        let impostor = try await SMTPTestServer.start(.plain)
        defer {
            server.stop()
            impostor.stop()
        }
        try await TestApp.withServer(configure: {
            $0.smtpURL = "smtp://\(Self.encodedCredentials)@127.0.0.1:\(server.port)"
            $0.smtpCAFile = impostor.certificate.path  // another self-signed certificate
            $0.mailDirectory = nil
        }) { api, database in
            let signup = try await api.signup()
            _ = try await api.call(
                .post, "/v1/members", as: signup.credential, json: #"{"email":"nobody@example.com","roles":["operator"]}"#)
            let rows = try await Self.outboxAfterFirstAttempt(database, tenant: signup.tenant)
            #expect(rows.count == 1)
            #expect(rows.first.map { $0.attempts >= 1 && !$0.sent } == true)
            #expect(rows.first?.error?.contains("certificate") == true)
            #expect(try server.received().isEmpty)
            #expect(try server.authAttempts().isEmpty)
        }
    }

    @Test("STARTTLS is required unless tls=none: a server without it gets nothing, then everything with tls=none")
    func startTLSRequired() async throws {
        let server = try await SMTPTestServer.start(.plain)
        defer { server.stop() }
        try await TestApp.withServer(configure: {
            $0.smtpURL = "smtp://127.0.0.1:\(server.port)"
            $0.mailDirectory = nil
        }) { api, database in
            let signup = try await api.signup()
            _ = try await api.call(
                .post, "/v1/members", as: signup.credential, json: #"{"email":"clear@example.com","roles":["operator"]}"#)
            let rows = try await Self.outboxAfterFirstAttempt(database, tenant: signup.tenant)
            #expect(rows.first?.error?.contains("STARTTLS") == true)
            #expect(try server.received().isEmpty)
        }
        try await TestApp.withServer(configure: {
            $0.smtpURL = "smtp://127.0.0.1:\(server.port)?tls=none&from=writ@example.com"
            $0.mailDirectory = nil
        }) { api, database in
            let signup = try await api.signup()
            _ = try await api.call(
                .post, "/v1/members", as: signup.credential, json: #"{"email":"relay@example.com","roles":["operator"]}"#)
            #expect(try await server.messages(kind: .invitation, count: 1).count == 1)
            // Once the outbox marks it sent it is never sent again: then count.
            #expect(try await eventually { try await Self.outbox(database, tenant: signup.tenant).map(\.sent) == [true] })
            #expect(try await server.messages(kind: .invitation, count: 1).count == 1)
        }
    }
}
