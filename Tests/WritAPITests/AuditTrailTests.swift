import Foundation
import Postgres
import Testing
import WritAPI
import WritCore
import WritCrypto
import WritStore
import WritTestSupport

@Suite("Audit trail of identity changes", .timeLimit(.minutes(3)))
struct AuditTrailTests {
    @Test("every successful write appends to the tenant's chain, and the chain links")
    func everyWriteIsRecorded() async throws {
        let database = try await TestCluster.makeMigratedDatabase()
        let app = try await WritApplication.build(configuration: TestApp.configuration(for: database))
        let store = Database(pool: ConnectionPool(configuration: database.appConfiguration(maxConnections: 1)))
        try await app.test(.live) { client in
            let api = APIClient(client: client)
            let signup = try await api.signup(email: "chain-\(UUID().uuidString.prefix(6))@example.com")
            let tenant = try #require(UUID(uuidString: signup.tenant))
            var admin = signup.credential
            func seq() async throws -> Int64 {
                try await store.withTenant(tenant) { tx in
                    try await tx.execute("SELECT seq FROM audit_heads WHERE tenant_id = \(tenant)")[0].decode(Int64.self, "seq")
                }
            }
            #expect(try await seq() >= 4)
            func write(_ method: HTTPRequestMethod, _ path: String, _ body: String? = nil) async throws -> APIResponse {
                let before = try await seq()
                let response = try await api.call(method, path, as: admin, json: body)
                #expect(response.status.code < 300, "\(method) \(path) failed: \(response.body)")
                #expect(try await seq() > before, "\(method) \(path) changed state without an audit event")
                return response
            }
            let team = try await write(.post, "/v1/teams", #"{"name":"ops"}"#).decoded(TeamBody.self).id
            _ = try await write(.patch, "/v1/teams/\(team)", #"{"name":"operations"}"#)
            let agent = try await write(.post, "/v1/agents", #"{"name":"bot","team_id":"\#(team)"}"#).decoded(AgentBody.self).id
            _ = try await write(.patch, "/v1/agents/\(agent)", #"{"disabled":true}"#)
            let key = try await write(.post, "/v1/api-keys", #"{"name":"k","scopes":["intents"]}"#).decoded(CreatedKeyBody.self).id
            _ = try await write(.delete, "/v1/api-keys/\(key)")
            let invited = try await write(
                .post, "/v1/members", #"{"email":"new-\#(UUID().uuidString.prefix(6))@example.com","roles":["operator"]}"#)
            let member = try invited.decoded(MemberBody.self).id
            _ = try await write(.patch, "/v1/members/\(member)", #"{"roles":["auditor"],"teams":["\#(team)"]}"#)
            _ = try await write(.delete, "/v1/members/\(member)")
            _ = try await write(.post, "/v1/me/totp")
            _ = try await write(.put, "/v1/policy?comment=tighten", #"{"defaults":{"tier":"T2"}}"#)
            _ = try await write(.put, "/v1/teams/\(team)/policy", #"{"rules":[]}"#)
            let changed = try await write(
                .post, "/v1/me/password", #"{"current_password":"correct horse battery","new_password":"another fine passphrase"}"#)
            admin = try Credential.session(from: changed)
            _ = try await write(
                .delete,
                "/v1/teams/\(try await api.call(.post, "/v1/teams", as: admin, json: #"{"name":"tmp"}"#).decoded(TeamBody.self).id)")
            _ = try await write(.delete, "/v1/sessions/current")

            // Every link: hash is SHA-256 of the stored bytes, prev is the previous hash, seq has no gap.
            let rows = try await store.withTenant(tenant) { tx in
                try await tx.execute("SELECT seq, body, hash FROM audit_events WHERE tenant_id = \(tenant) ORDER BY seq")
            }
            var previous = AuditChain.genesisHash
            for (index, row) in rows.enumerated() {
                let body = try row.decode(String.self, "body")
                #expect(try row.decode(Int64.self, "seq") == Int64(index + 1))
                #expect(SHA256.hexHash(Array(body.utf8)) == (try row.decode(String.self, "hash")))
                let parsed = try JSONParser.parse(body)
                #expect(parsed["prev"]?.stringValue == previous)
                #expect(CanonicalJSON.string(parsed) == body)
                previous = try row.decode(String.self, "hash")
            }
            let types = try rows.map { try JSONParser.parse(try $0.decode(String.self, "body"))["type"]?.stringValue ?? "" }
            for expected in [
                "tenant.created", "member.added", "signing_key.created", "session.created", "agent.disabled",
                "api_key.revoked", "member.invited", "member.removed", "member.password_changed", "session.ended", "policy.changed",
            ] {
                #expect(types.contains(expected), "no \(expected) event")
            }
            #expect(!rows.contains { (try? $0.decode(String.self, "body"))?.contains("correct horse") == true })
        }
        await store.pool.close()
    }
}
