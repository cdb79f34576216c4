import Foundation
import Postgres
import Testing
import WritAPI
import WritCore
import WritCrypto
import WritTestSupport

@Suite("Intents and warrants", .timeLimit(.minutes(3)))
struct IntentWarrantTests {
    @Test("a T0 intent is approved at once with a verifiable warrant that can be redeemed exactly once")
    func t0Warrant() async throws {
        try await TestApp.withLiveServer { client in
            let api = APIClient(client: client)
            let signup = try await api.signup()
            let setup = try await api.agentWithKey(as: signup.credential)
            let executor = try await api.call(
                .post, "/v1/api-keys", as: signup.credential,
                json: #"{"name":"executor","scopes":["warrants"],"audiences":["k8s","crm","payments","db","s3"]}"#)
            let executorKey = Credential.key(try executor.decoded(CreatedKeyBody.self).key)
            let params = #"{"bucket":"logs","prefix":"2026/11/","limit":10.5,"note":"é\u2028"}"#
            let submitted = try await api.call(
                .post, "/v1/intents", as: .key(setup.key),
                json: #"{"action":"s3.objects.read","resource":"bucket/logs","params":\#(params),"justification":"daily report"}"#)
            #expect(submitted.status == .created)
            let filed = try submitted.decoded(IntentBody.self)
            #expect(filed.status == "approved")
            #expect(filed.tier == "T0")
            let token = try #require(filed.warrant)
            let parts = try #require(JWS.Parts(compact: token))
            let claims = try #require(WarrantClaims(json: try JSONParser.parse(parts.payload)))
            #expect(claims.aud == "s3")
            #expect(claims.exp - claims.iat == 300)
            #expect(claims.sub == setup.agent)
            #expect(
                claims.actionDigest
                    == Warrant.actionDigest(
                        action: "s3.objects.read", resource: "bucket/logs", params: try JSONParser.parse(params)))

            let verify = #"{"warrant":"\#(token)","tenant_id":"\#(signup.tenant)"}"#
            #expect(try await api.call(.post, "/v1/warrants/verify", json: verify).decoded(WarrantVerificationBody.self).valid == true)
            let otherTenant = #"{"warrant":"\#(token)","tenant_id":"\#(UUID().uuidString)"}"#
            #expect(
                try await api.call(.post, "/v1/warrants/verify", json: otherTenant).decoded(WarrantVerificationBody.self).valid == false)
            var forged = token
            forged.replaceSubrange(forged.index(forged.endIndex, offsetBy: -5)..., with: "AAAAA")
            let forgedCheck = try await api.call(
                .post, "/v1/warrants/verify", json: #"{"warrant":"\#(forged)","tenant_id":"\#(signup.tenant)"}"#)
            #expect(try forgedCheck.decoded(WarrantVerificationBody.self).reason == "bad_signature")

            // Independent check by scripts/test: PyJWT with nothing but the JWK Set, and an RFC 8785 digest.
            if let directory = ProcessInfo.processInfo.environment["WRIT_TEST_ARTIFACTS"] {
                let jwks = try await api.call(.get, "/v1/tenants/\(signup.tenant)/jwks.json")
                let artifact: JSONValue = [
                    "warrant": .string(token), "jwks": try JSONParser.parse(jwks.body), "audience": .string(claims.aud),
                    "action": "s3.objects.read", "resource": "bucket/logs", "params": try JSONParser.parse(params),
                ]
                try CanonicalJSON.string(artifact).write(toFile: directory + "/warrant.json", atomically: true, encoding: .utf8)
            }

            // Twenty executors race to redeem: exactly one wins.
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<20 {
                    group.addTask { try await api.call(.post, "/v1/warrants/\(claims.jti)/redeem", as: executorKey).status.code }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 200 }.count == 1)
            #expect(statuses.filter { $0 == 409 }.count == 19)
            #expect(
                try await api.call(.post, "/v1/warrants/verify", json: verify).decoded(WarrantVerificationBody.self).reason == "redeemed")
            #expect(try await api.call(.post, "/v1/warrants/\(claims.jti)/redeem", as: .key(setup.key)).status == .forbidden)
            #expect(try await api.call(.post, "/v1/warrants/nope/redeem", as: executorKey).status == .notFound)
        }
    }

    @Test("revoked warrants fail verification and redemption")
    func revocation() async throws {
        try await TestApp.withLiveServer { client in
            let api = APIClient(client: client)
            let signup = try await api.signup()
            let setup = try await api.agentWithKey(as: signup.credential)
            let executor = try await api.call(
                .post, "/v1/api-keys", as: signup.credential,
                json: #"{"name":"executor","scopes":["warrants"],"audiences":["k8s","crm","payments","db","s3"]}"#)
            let submitted = try await api.call(
                .post, "/v1/intents", as: .key(setup.key), json: #"{"action":"k8s.pods.list","resource":"prod/web"}"#)
            let token = try #require(try submitted.decoded(IntentBody.self).warrant)
            let parts = try #require(JWS.Parts(compact: token))
            let jti = try #require(WarrantClaims(json: try JSONParser.parse(parts.payload))?.jti)
            #expect(try await api.call(.post, "/v1/warrants/\(jti)/revoke", as: signup.credential).status == .noContent)
            let verified = try await api.call(
                .post, "/v1/warrants/verify", json: #"{"warrant":"\#(token)","tenant_id":"\#(signup.tenant)"}"#)
            #expect(try verified.decoded(WarrantVerificationBody.self).reason == "revoked")
            let executorKey = Credential.key(try executor.decoded(CreatedKeyBody.self).key)
            #expect(try await api.call(.post, "/v1/warrants/\(jti)/redeem", as: executorKey).status == .conflict)
        }
    }

    @Test("pending, denied, idempotent and invalid submissions")
    func submissions() async throws {
        try await TestApp.withLiveServer { client in
            let api = APIClient(client: client)
            let signup = try await api.signup()
            let setup = try await api.agentWithKey(as: signup.credential)
            let agent = Credential.key(setup.key)
            let pending = try await api.call(.post, "/v1/intents", as: agent, json: #"{"action":"crm.contact.update","resource":"c/1"}"#)
                .decoded(IntentBody.self)
            #expect(pending.status == "pending_approval")
            #expect(pending.tier == "T1")
            #expect(pending.warrant == nil)
            #expect(pending.expiresAt != nil)
            let id = pending.id
            #expect(try await api.call(.get, "/v1/intents/\(id)", as: agent).decoded(IntentBody.self).status == "pending_approval")
            #expect(try await api.call(.get, "/v1/intents/\(id)", as: signup.credential).status == .ok)

            _ = try await api.call(
                .put, "/v1/policy", as: signup.credential,
                json: #"{"rules":[{"id":"no-drops","match":{"action":"db.drop"},"effect":"deny"}]}"#)
            let denied = try await api.call(.post, "/v1/intents", as: agent, json: #"{"action":"db.drop","resource":"prod/users"}"#)
            #expect(try denied.decoded(IntentBody.self).status == "denied")
            #expect(try denied.decoded(JSONValue.self)["tier"] == .null)
            #expect(try denied.decoded(IntentBody.self).decision.rules.first?.id == "no-drops")

            let body = #"{"action":"s3.objects.read","resource":"b/1"}"#
            let first = try await api.call(.post, "/v1/intents", as: agent, json: body, headers: [.init("Idempotency-Key")!: "retry-1"])
            let again = try await api.call(.post, "/v1/intents", as: agent, json: body, headers: [.init("Idempotency-Key")!: "retry-1"])
            #expect(try first.decoded(IntentBody.self).id == again.decoded(IntentBody.self).id)
            #expect(try first.decoded(IntentBody.self).warrant == again.decoded(IntentBody.self).warrant)
            #expect(again.headers[.init("Idempotent-Replayed")!] == "true")
            let different = try await api.call(
                .post, "/v1/intents", as: agent, json: #"{"action":"s3.objects.read","resource":"b/2"}"#,
                headers: [.init("Idempotency-Key")!: "retry-1"])
            #expect(different.status == .unprocessableContent)

            let invalid = try await api.call(
                .post, "/v1/intents", as: agent, json: #"{"action":"rm -rf","resource":"","params":[1],"extra":true}"#)
            #expect(Set(try invalid.errorPaths) == ["/action", "/resource", "/params", "/extra"])
            let huge = try await api.call(
                .post, "/v1/intents", as: agent,
                json: #"{"action":"a.b","resource":"r","params":{"blob":""# + String(repeating: "x", count: 70_000) + #""}}"#)
            #expect(try huge.errorPaths == ["/params"])
            let deep = String(repeating: #"{"a":"#, count: 40) + "1" + String(repeating: "}", count: 40)
            #expect(
                try await api.call(.post, "/v1/intents", as: agent, json: #"{"action":"a.b","resource":"r","params":\#(deep)}"#).status
                    == .badRequest)
            #expect(try await api.call(.post, "/v1/intents", as: signup.credential, json: body).status == .forbidden)
        }
    }
}

@Suite("Signing keys, approval queue and notices", .timeLimit(.minutes(3)))
struct KeyRotationAndQueueTests {
    @Test("rotation keeps the old public key in the JWK Set, so earlier warrants still verify")
    func rotation() async throws {
        try await TestApp.withLiveServer { client in
            let api = APIClient(client: client)
            let signup = try await api.signup()
            let setup = try await api.agentWithKey(as: signup.credential)
            let before = try await api.call(
                .post, "/v1/intents", as: .key(setup.key), json: #"{"action":"s3.objects.read","resource":"b/1"}"#)
            let rotated = try await api.call(.post, "/v1/signing-keys/rotate", as: signup.credential)
            #expect(rotated.status == .created)
            let jwks = try await api.call(.get, "/v1/tenants/\(signup.tenant)/jwks.json")
            #expect(try jwks.decoded(JWKSetBody.self).keys.count == 2)
            let after = try await api.call(
                .post, "/v1/intents", as: .key(setup.key), json: #"{"action":"s3.objects.read","resource":"b/2"}"#)
            let afterToken = try #require(try after.decoded(IntentBody.self).warrant)
            for token in [try #require(try before.decoded(IntentBody.self).warrant), afterToken] {
                let verified = try await api.call(
                    .post, "/v1/warrants/verify", json: #"{"warrant":"\#(token)","tenant_id":"\#(signup.tenant)"}"#)
                #expect(try verified.decoded(WarrantVerificationBody.self).valid == true)
            }
            let header = try JSONParser.parse(try #require(JWS.Parts(compact: afterToken)).header)
            #expect(try header["kid"]?.stringValue == rotated.decoded(SigningKeyBody.self).kid)
            #expect(try await api.call(.post, "/v1/signing-keys/rotate", as: .key(setup.key)).status == .forbidden)
        }
    }

    @Test("the approval queue lists what the caller may decide, and approvers are notified by mail")
    func queueAndNotices() async throws {
        let mail = TestApp.mailDirectory()
        try await TestApp.withServer(configure: { $0.mailDirectory = mail.path }) { api, database in
            let signup = try await api.signup()
            let setup = try await api.agentWithKey(as: signup.credential)
            let teamOperator = try await ApprovalFlowTests.person(
                api, admin: signup.credential, roles: #"["operator"]"#, teams: [setup.team])
            let outsider = try await ApprovalFlowTests.person(api, admin: signup.credential, roles: #"["operator"]"#)
            let intent = try await api.call(.post, "/v1/intents", as: .key(setup.key), json: #"{"action":"crm.update","resource":"c/1"}"#)
            let id = try intent.decoded(IntentBody.self).id
            let mine = try await api.call(.get, "/v1/approvals?status=pending", as: teamOperator.credential)
            #expect(try mine.decoded(ApprovalQueueBody.self).items.map(\.id) == [id])
            #expect(
                try await api.call(.get, "/v1/approvals?status=pending", as: outsider.credential).decoded(ApprovalQueueBody.self).items
                    .isEmpty)
            _ = try await api.call(.post, "/v1/intents/\(id)/decisions", as: teamOperator.credential, json: #"{"decision":"approve"}"#)
            #expect(
                try await api.call(.get, "/v1/approvals?status=pending", as: teamOperator.credential).decoded(ApprovalQueueBody.self).items
                    .isEmpty)
            let texts = try await TestApp.mailFiles(in: mail, count: 1, kind: "approval.requested")
            #expect(texts.contains { $0.contains("X-Writ-Kind: approval.requested") && $0.contains("crm.update on c/1") })
            #expect(!texts.contains { $0.contains("To: \(outsider.id)") })
        }
        try? FileManager.default.removeItem(at: mail)
    }
}

@Suite("Plan quotas on intents", .timeLimit(.minutes(3)))
struct IntentQuotaTests {
    @Test("past the plan's monthly intents the submission answers 402 naming the quota")
    func monthlyQuota() async throws {
        try await TestApp.withServer { api, database in
            let signup = try await api.signup()
            let setup = try await api.agentWithKey(as: signup.credential)
            // A plan with a tiny quota, so the test need not submit 10,000 intents.
            try await TestApp.usePlan("tiny", intentsPerMonth: 2, tenant: signup.tenant, database: database)
            for index in 0..<2 {
                let ok = try await api.call(
                    .post, "/v1/intents", as: .key(setup.key), json: #"{"action":"s3.objects.read","resource":"b/\#(index)"}"#)
                #expect(ok.status == .created)
            }
            let over = try await api.call(
                .post, "/v1/intents", as: .key(setup.key), json: #"{"action":"s3.objects.read","resource":"b/3"}"#)
            #expect(over.status.code == 402)
            #expect(try over.decoded(ProblemBody.self).type.hasSuffix("intents_per_month"))
        }
    }
}
