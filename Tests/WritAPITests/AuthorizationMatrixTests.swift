import Foundation
import HTTPTypes
import Testing
import WritTestSupport

@Suite("The authorization matrix of docs/security.md, walked over every route", .timeLimit(.minutes(3)))
struct AuthorizationMatrixTests {
    /// One row of the matrix: an operation and the expected outcome per credential.
    struct Row {
        let method: String
        let path: String
        let expected: [String]
    }

    static let columns = [
        "admin", "operator", "approver", "board", "auditor", "agent key", "admin key", "executor key", "none", "other tenant",
    ]

    /// The rows between the matrix markers of docs/security.md.
    static func matrix() throws -> [Row] {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/security.md")
        let text = try String(contentsOf: file, encoding: .utf8)
        guard let start = text.range(of: "<!-- matrix:start -->"), let end = text.range(of: "<!-- matrix:end -->") else { return [] }
        return text[start.upperBound..<end.lowerBound].split(separator: "\n").compactMap { line in
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count == 2 + columns.count, ["GET", "POST", "PUT", "PATCH", "DELETE"].contains(cells[0]) else { return nil }
            return Row(
                method: cells[0], path: cells[1].trimmingCharacters(in: CharacterSet(charactersIn: "`")), expected: Array(cells[2...]))
        }
    }

    /// The body each write sends: valid where a valid body is needed to reach the id lookup.
    static func body(_ method: String, _ path: String) -> String? {
        switch (method, path) {
        case (_, "/v1/intents/{id}/decisions"): #"{"decision":"reject","comment":"matrix"}"#
        case (_, "/v1/intents/{id}/result"): #"{"status":"failed"}"#
        case ("PATCH", "/v1/members/{id}"): #"{"roles":["auditor"]}"#
        case ("PATCH", _): #"{"name":"renamed by the matrix"}"#
        case (_, "/v1/intents/{id}/cancel"), (_, "/v1/me/totp"), (_, "/v1/signing-keys/rotate"), (_, "/v1/sessions/current"),
            (_, "/v1/warrants/{jti}/redeem"), (_, "/v1/warrants/{jti}/revoke"), (_, "/v1/webhooks/{id}/rotate-secret"),
            (_, "/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver"):
            method == "DELETE" && path == "/v1/me/totp" ? "{}" : nil
        case ("GET", _), ("DELETE", _): nil
        default: "{}"
        }
    }

    @Test("every operation in openapi.json has a row, and every cell holds against a live server")
    func walk() async throws {
        let rows = try Self.matrix()
        #expect(rows.count > 40)
        try await TestApp.withServer(configure: {
            $0.metricsToken = "matrix-metrics-token-0123456789"
            $0.eventHeartbeat = .milliseconds(500)
        }) { api, _ in
            let document = try await api.call(.get, "/openapi.json").decoded(OpenAPIDocumentBody.self).paths
            let methods: Set<String> = ["get", "put", "post", "patch", "delete"]
            let documented = Set(
                document.flatMap { path, operations in
                    operations.keys.filter(methods.contains).map { "\($0.uppercased()) \(path)" }
                })
            let listed = Set(rows.map { "\($0.method) \($0.path)" })
            #expect(documented.subtracting(listed).isEmpty, "operations without a matrix row: \(documented.subtracting(listed).sorted())")
            #expect(listed.subtracting(documented).isEmpty, "matrix rows for no operation: \(listed.subtracting(documented).sorted())")

            let signup = try await api.signup()
            let setup = try await api.agentWithKey(as: signup.credential)
            var credentials: [String: Credential] = ["admin": signup.credential, "agent key": .key(setup.key), "none": .anonymous]
            var ids: [String: String] = [:]
            for role in ["operator", "approver", "board", "auditor"] {
                let email = "\(role)-\(UUID().uuidString.prefix(6))@example.com"
                let (invited, accepted, _) = try await api.inviteAndAccept(
                    as: signup.credential, email: email, roles: #"["\#(role)"]"#,
                    teams: role == "operator" ? [setup.team] : [])
                credentials[role] = try Credential.session(from: accepted)
                ids[role] = try invited.decoded(MemberBody.self).id
            }
            credentials["admin key"] = .key(
                try await api.call(
                    .post, "/v1/api-keys", as: signup.credential,
                    json: #"{"name":"auto","scopes":["admin"]}"#
                ).decoded(CreatedKeyBody.self).key)
            credentials["executor key"] = .key(
                try await api.call(
                    .post, "/v1/api-keys", as: signup.credential,
                    json: #"{"name":"exec","scopes":["warrants"],"audiences":["s3"]}"#
                ).decoded(CreatedKeyBody.self).key)
            credentials["other tenant"] = try await api.signup().credential
            let pending = try await api.call(.post, "/v1/intents", as: .key(setup.key), json: #"{"action":"crm.update","resource":"c/1"}"#)
                .decoded(IntentBody.self).id
            let t0 = try await api.call(.post, "/v1/intents", as: .key(setup.key), json: #"{"action":"s3.objects.read","resource":"b/1"}"#)
                .decoded(IntentBody.self)
            let webhook = try await api.call(
                .post, "/v1/webhooks", as: signup.credential,
                json: #"{"url":"https://receiver.example/hook","events":["intent.submitted"]}"#
            ).decoded(WebhookEndpointBody.self).id
            let real: [String: String] = [
                "/v1/members/{id}": ids["auditor"] ?? "", "/v1/teams/{id}": setup.team, "/v1/agents/{id}": setup.agent,
                "/v1/api-keys/{id}": setup.keyID, "/v1/intents/{id}": pending, "/v1/webhooks/{id}": webhook,
                "/api/v1/intents/{id}": pending, "/api/v1/proposals/{id}": pending, "/api/v1/agents/{id}": setup.agent,
                "{jti}": try #require(t0.warrantClaims?.jti), "{tenant_id}": signup.tenant, "{version}": "1",
            ]

            /// The concrete path: real ids for reads and for the other tenant, unknown ones for own-tenant writes.
            func concrete(_ row: Row, realIDs: Bool) -> String {
                var path = row.path
                for (template, value) in real where template.hasSuffix("{id}") && path.hasPrefix(template) {
                    path = path.replacingOccurrences(
                        of: template,
                        with: template.replacingOccurrences(
                            of: "{id}", with: realIDs ? value : UUID().uuidString.lowercased()))
                }
                path = path.replacingOccurrences(of: "{jti}", with: realIDs ? real["{jti}"]! : "unknown-jti-0000000000000")
                path = path.replacingOccurrences(of: "{tenant_id}", with: real["{tenant_id}"]!)
                path = path.replacingOccurrences(of: "{delivery_id}", with: UUID().uuidString.lowercased())
                return path.replacingOccurrences(of: "{version}", with: "1")
            }

            let ordered = rows.filter { $0.path != "/v1/sessions/current" } + rows.filter { $0.path == "/v1/sessions/current" }
            for row in ordered {
                for (index, column) in Self.columns.enumerated() {
                    // A heartbeat names the caller's own agent (any other is refused before any lookup).
                    let realIDs = row.method == "GET" || column == "other tenant" || row.path.hasSuffix("/heartbeat")
                    let path = concrete(row, realIDs: realIDs)
                    let status: Int
                    let label: String
                    if row.path == "/v1/events" {
                        // A stream that is allowed stays open: read its status, then hang up.
                        let credential = credentials[column]!
                        let stream = try await EventStreamClient(
                            port: try #require(api.client.port), bearer: credential.bearer,
                            cookie: credential.sessionCookie.map { "writ_session=\($0)" })
                        stream.close()
                        status = stream.status
                        label = "GET /v1/events as \(column): \(status)"
                    } else {
                        let response = try await api.call(
                            HTTPRequest.Method(rawValue: row.method)!, path, as: credentials[column]!,
                            json: Self.body(row.method, row.path))
                        status = Int(response.status.code)
                        label = "\(row.method) \(path) as \(column): \(status) \(response.body.prefix(160))"
                    }
                    #expect(status < 500, "\(label)")
                    switch row.expected[index] {
                    case "✓": #expect(![401, 403].contains(status), "\(label)")
                    case "—": #expect([401, 403].contains(status), "\(label)")
                    case "hidden": #expect([404, 422].contains(status), "\(label)")
                    default: Issue.record("unknown matrix cell \(row.expected[index]) in \(row.method) \(row.path)")
                    }
                }
            }
        }
    }
}
