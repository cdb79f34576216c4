import Foundation
import HTTPTypes
import Testing
import WritCore
import WritCrypto
import WritTestSupport

@Suite("The review's smaller findings stay fixed", .timeLimit(.minutes(3)))
struct SmallerFindingsTests {
    @Test("a genuine warrant over 1,024 bytes verifies")
    func longWarrantVerifies() async throws {
        try await TestApp.withLiveServer { client in
            let api = APIClient(client: client)
            let signup = try await api.signup()
            let setup = try await api.agentWithKey(as: signup.credential)
            let action = String(repeating: "a", count: 250) + ".read"
            let resource = String(repeating: "r", count: 256)
            let intent = try await api.call(
                .post, "/v1/intents", as: .key(setup.key), json: #"{"action":"\#(action)","resource":"\#(resource)"}"#)
            let token = try #require(try intent.decoded(IntentBody.self).warrant)
            #expect(token.utf8.count > 1024)
            let verified = try await api.call(
                .post, "/v1/warrants/verify", json: #"{"warrant":"\#(token)","tenant_id":"\#(signup.tenant)"}"#)
            #expect(verified.status == .ok)
            #expect(try verified.decoded(WarrantVerificationBody.self).valid == true)
        }
    }

    @Test("numbers beyond 32 bits in paths and cursors answer 404 and 422, never 500")
    func largeNumbers() async throws {
        try await TestApp.withLiveServer { client in
            let api = APIClient(client: client)
            let signup = try await api.signup()
            #expect(try await api.call(.get, "/v1/policy/versions/4294967296", as: signup.credential).status == .notFound)
            #expect(try await api.call(.get, "/v1/policy/versions/99999999999999999999999", as: signup.credential).status == .notFound)
            let cursor = Base64URL.encode(Array("1099511627776".utf8))
            #expect(try await api.call(.get, "/v1/policy/versions?cursor=\(cursor)", as: signup.credential).status == .unprocessableContent)
            #expect(
                try await api.call(.get, "/v1/audit?cursor=\(Base64URL.encode(Array("99999999999999999999".utf8)))", as: signup.credential)
                    .status == .unprocessableContent)
            #expect(
                try await api.call(.get, "/v1/audit/export?from_seq=9223372036854775808", as: signup.credential).status
                    == .unprocessableContent)
        }
    }

    @Test("a TOTP code offered with a refused decision stays unused")
    func codeNotConsumedByRefusal() async throws {
        try await TestApp.withLiveServer { client in
            let api = APIClient(client: client)
            let signup = try await api.signup()
            let setup = try await api.agentWithKey(as: signup.credential)
            // An approver and operator, but not of the agent's team: T1 refuses, T2 accepts.
            let person = try await ApprovalFlowTests.person(api, admin: signup.credential, roles: #"["approver","operator"]"#, totp: true)
            let t1 = try await api.call(.post, "/v1/intents", as: .key(setup.key), json: #"{"action":"crm.update","resource":"c/1"}"#)
            let t2 = try await api.call(
                .post, "/v1/intents", as: .key(setup.key), json: #"{"action":"s3.objects.delete","resource":"b/1"}"#)
            #expect(try t2.decoded(IntentBody.self).tier == "T2")
            let code = person.nextCode
            let refused = try await api.call(
                .post, "/v1/intents/\(try t1.decoded(IntentBody.self).id)/decisions", as: person.credential,
                json: #"{"decision":"approve","totp":"\#(code)"}"#)
            #expect(refused.status == .forbidden)
            let accepted = try await api.call(
                .post, "/v1/intents/\(try t2.decoded(IntentBody.self).id)/decisions", as: person.credential,
                json: #"{"decision":"approve","totp":"\#(code)"}"#)
            #expect(accepted.status == .ok)
            // And used once it counted.
            let replay = try await api.call(
                .post, "/v1/intents/\(try t2.decoded(IntentBody.self).id)/decisions", as: person.credential,
                json: #"{"decision":"approve","totp":"\#(code)"}"#)
            #expect(replay.status != .ok)
        }
    }

    @Test("names and emails with bidi overrides, zero-width or other invisible characters are refused")
    func invisibleCharacters() async throws {
        try await TestApp.withLiveServer { client in
            let api = APIClient(client: client)
            let signup = try await api.signup()
            for name in ["ops\u{202E}txt", "o\u{200B}ps", "\u{2066}ops", "ops\u{00A0}team", "\u{3164}", "ops\u{FEFF}"] {
                let body = String(decoding: try JSONSerialization.data(withJSONObject: ["name": name]), as: UTF8.self)
                let team = try await api.call(.post, "/v1/teams", as: signup.credential, json: body)
                #expect(team.status == .unprocessableContent, "team name \(name.unicodeScalars.map { String($0.value, radix: 16) })")
                #expect(try team.errorPaths == ["/name"])
            }
            for email in ["ad\u{200B}a@example.com", "ada@exam\u{202E}ple.com"] {
                let body = String(
                    decoding: try JSONSerialization.data(withJSONObject: [
                        "organization": "Org", "email": email, "password": "correct horse battery",
                    ]), as: UTF8.self)
                #expect(try await api.call(.post, "/v1/signup", json: body).status == .unprocessableContent)
            }
            let organization = String(
                decoding: try JSONSerialization.data(withJSONObject: [
                    "organization": "Acme\u{202E}", "email": "x-\(UUID().uuidString.prefix(6))@example.com",
                    "password": "correct horse battery",
                ]), as: UTF8.self)
            #expect(try await api.call(.post, "/v1/signup", json: organization).status == .unprocessableContent)
            // Composed and decomposed forms of one address are one address.
            let composed = "jos\u{00E9}-\(UUID().uuidString.prefix(6))@example.com"
            let decomposed = composed.decomposedStringWithCanonicalMapping
            _ = try await api.signup(email: composed, password: "correct horse battery")
            let login = String(
                decoding: try JSONSerialization.data(withJSONObject: ["email": decomposed, "password": "correct horse battery"]),
                as: UTF8.self)
            #expect(try await api.call(.post, "/v1/sessions", json: login).status == .created)
        }
    }

    @Test("only an executor whose audiences include the warrant's aud may redeem it")
    func redemptionChecksAudience() async throws {
        try await TestApp.withLiveServer { client in
            let api = APIClient(client: client)
            let signup = try await api.signup()
            let setup = try await api.agentWithKey(as: signup.credential)
            let intent = try await api.call(
                .post, "/v1/intents", as: .key(setup.key), json: #"{"action":"k8s.pods.list","resource":"prod/web"}"#)
            let claims = try #require(try intent.decoded(IntentBody.self).warrantClaims)
            #expect(claims.aud == "k8s")
            let jti = claims.jti
            let noAudience = try await api.call(
                .post, "/v1/api-keys", as: signup.credential, json: #"{"name":"exec","scopes":["warrants"]}"#)
            #expect(noAudience.status == .unprocessableContent)
            #expect(try noAudience.errorPaths == ["/audiences"])
            let payments = try await api.call(
                .post, "/v1/api-keys", as: signup.credential, json: #"{"name":"pay","scopes":["warrants"],"audiences":["payments"]}"#)
            let k8s = try await api.call(
                .post, "/v1/api-keys", as: signup.credential, json: #"{"name":"kube","scopes":["warrants"],"audiences":["k8s"]}"#)
            #expect(
                try await api.call(.post, "/v1/warrants/\(jti)/redeem", as: .key(payments.decoded(CreatedKeyBody.self).key)).status
                    == .forbidden)
            #expect(try await api.call(.post, "/v1/warrants/\(jti)/redeem", as: .key(k8s.decoded(CreatedKeyBody.self).key)).status == .ok)
        }
    }

    @Test("every response carries the security headers; HSTS only over https")
    func securityHeaders() async throws {
        try await TestApp.withLiveServer { client in
            let api = APIClient(client: client)
            for path in ["/healthz", "/no/such/route", "/", "/approve.html", "/openapi.json", "/v1/me"] {
                let response = try await api.call(.get, path)
                let policy = response.headers[.contentSecurityPolicy] ?? ""
                #expect(policy.contains("script-src 'self'"), "\(path)")
                #expect(policy.contains("frame-ancestors 'none'"), "\(path)")
                #expect(!policy.contains("unsafe-inline"), "\(path)")
                #expect(response.headers[.xContentTypeOptions] == "nosniff", "\(path)")
                #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer", "\(path)")
                #expect(response.headers[.strictTransportSecurity] == nil, "\(path)")
            }
        }
        try await TestApp.withServer(configure: { $0.publicURL = URL(string: "https://writ.example.com")! }) { api, _ in
            let response = try await api.call(.get, "/healthz")
            #expect(response.headers[.strictTransportSecurity]?.contains("max-age=") == true)
        }
    }

    @Test("a pathological glob in a simulated draft is refused, and the server keeps answering")
    func pathologicalSimulation() async throws {
        try await TestApp.withLiveServer { client in
            let api = APIClient(client: client)
            let signup = try await api.signup()
            let team = try await api.call(.post, "/v1/teams", as: signup.credential, json: #"{"name":"sim"}"#).decoded(TeamBody.self).id
            let action = String(repeating: "a", count: 200)
            let body = """
                {"team_id":"\(team)","intent":{"action":"\(action)","resource":"r"},
                 "policy":{"rules":[{"id":"slow","match":{"action":"**a**a**a**a**b"},"tier":"T3"}]}}
                """
            let refused = try await api.call(.post, "/v1/policies/simulate", as: signup.credential, json: body)
            #expect(refused.status == .unprocessableContent)
            #expect(try refused.errorPaths.contains("/policy/rules/0/match/action"))
            let allowed = body.replacingOccurrences(of: "**a**a**a**a**b", with: "**a**a**a**ab")
            let answers = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<3 {
                    group.addTask { try await api.call(.post, "/v1/policies/simulate", as: signup.credential, json: allowed).status.code }
                }
                group.addTask { try await api.call(.get, "/healthz").status.code }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.allSatisfy { $0 == 200 })
        }
    }
}

@Suite("Sloppy input is refused", .timeLimit(.minutes(3)))
struct InputStrictnessTests {
    @Test("a policy sent as text/plain answers 415 and saves nothing; an empty warrant or token answers 422")
    func contentTypeAndEmptySecrets() async throws {
        try await TestApp.withLiveServer { client in
            let api = APIClient(client: client)
            let signup = try await api.signup()
            let team = try await api.call(.post, "/v1/teams", as: signup.credential, json: #"{"name":"strict"}"#).decoded(TeamBody.self).id
            let policy = #"{"rules":[{"id":"all","match":{"action":"**"},"tier":"T2"}]}"#
            let plain = try await api.call(
                .put, "/v1/teams/\(team)/policy", as: signup.credential, json: policy,
                headers: [.contentType: "text/plain"])
            #expect(plain.status == .unsupportedMediaType)
            #expect(try await api.call(.get, "/v1/teams/\(team)/policy", as: signup.credential).status == .notFound)
            let empty = try await api.call(.post, "/v1/warrants/verify", json: #"{"warrant":"","tenant_id":"\#(signup.tenant)"}"#)
            #expect(empty.status == .unprocessableContent)
            #expect(try empty.errorPaths == ["/warrant"])
            #expect(try await api.call(.post, "/v1/approval-links/view", json: #"{"token":""}"#).status == .unprocessableContent)
        }
    }
}

@Suite("A refused credential matters only where one is needed", .timeLimit(.minutes(3)))
struct PublicRoutesTests {
    @Test("a malformed or unknown API key is ignored by public routes and refused by the others")
    func publicRoutesIgnoreBadKeys() async throws {
        try await TestApp.withLiveServer { client in
            let api = APIClient(client: client)
            for credential in [Credential.key("not-a-key"), Credential.key("writ_0000000000000000000000000000")] {
                #expect(try await api.call(.get, "/healthz", as: credential).status == .ok)
                #expect(try await api.call(.get, "/openapi.json", as: credential).status == .ok)
                let me = try await api.call(.get, "/v1/me", as: credential)
                #expect(me.status == .unauthorized)
                #expect(try me.decoded(ProblemBody.self).type.hasSuffix("invalid-credentials"))
            }
        }
    }
}
