import Foundation
import Postgres
import Testing
import WritAPI
import WritTestSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// What the submission transaction decides for itself: the monthly quota counter, an agent
/// disabled a moment ago, and rate rules under concurrent submissions.
@Suite("The submission transaction", .timeLimit(.minutes(3)))
struct SubmissionTransactionTests {
    @Test("the monthly quota is a counter that idempotent replays leave alone and a new month starts afresh")
    func monthlyCounter() async throws {
        try await TestApp.withServer { api, database in
            let signup = try await api.signup()
            let setup = try await api.agentWithKey(as: signup.credential)
            try await TestApp.usePlan("two", intentsPerMonth: 2, tenant: signup.tenant, database: database)
            let submit = { (resource: String, idempotency: String?) in
                try await api.call(
                    .post, "/v1/intents", as: .key(setup.key), json: #"{"action":"s3.objects.read","resource":"\#(resource)"}"#,
                    headers: idempotency.map { [.init("Idempotency-Key")!: $0] } ?? [:])
            }
            #expect(try await submit("b/1", "once").status == .created)
            #expect(try await submit("b/1", "once").status == .created)  // a replay: the same intent, not counted again
            #expect(try await submit("b/2", nil).status == .created)
            let over = try await submit("b/3", nil)
            #expect(over.status.code == 402)
            // Refused intents leave nothing behind.
            let owner = ConnectionPool(configuration: database.migrateConfiguration)
            let tenant = UUID(uuidString: signup.tenant)!
            let stored = try await owner.query("SELECT count(*) AS n FROM writ.intents WHERE tenant_id = \(tenant)")[0].decode(
                Int.self, "n")
            #expect(stored == 2)
            let counted = try await owner.query("SELECT month_intents FROM writ.audit_heads WHERE tenant_id = \(tenant)")[0]
            #expect(try counted.decode(Int.self, "month_intents") == 2)
            // The calendar moves on: the counter starts again from one.
            try await owner.query(
                "UPDATE writ.audit_heads SET usage_month = (date_trunc('month', now()) - interval '1 month')::date WHERE tenant_id = \(tenant)"
            )
            #expect(try await submit("b/4", nil).status == .created)
            let fresh = try await owner.query("SELECT month_intents FROM writ.audit_heads WHERE tenant_id = \(tenant)")[0]
            #expect(try fresh.decode(Int.self, "month_intents") == 1)
            await owner.close()
        }
    }

    @Test("an agent disabled behind the key cache's back submits nothing")
    func disabledInsideTransaction() async throws {
        try await TestApp.withServer { api, database in
            let signup = try await api.signup()
            let setup = try await api.agentWithKey(as: signup.credential)
            #expect(
                try await api.call(.post, "/v1/intents", as: .key(setup.key), json: #"{"action":"s3.objects.read","resource":"b/1"}"#)
                    .status == .created)
            // Disabled directly in the database: no notice reaches the key cache, which still holds the key.
            let owner = ConnectionPool(configuration: database.migrateConfiguration)
            try await owner.query("UPDATE writ.agents SET disabled_at = now() WHERE id = \(UUID(uuidString: setup.agent)!)")
            await owner.close()
            let refused = try await api.call(
                .post, "/v1/intents", as: .key(setup.key), json: #"{"action":"s3.objects.read","resource":"b/2"}"#)
            #expect(refused.status == .forbidden, "\(refused.body)")
            let listed = try await api.call(.get, "/v1/intents", as: signup.credential)
            #expect(try listed.decoded(PageBody<IntentBody>.self).items.count == 1)
        }
    }

    @Test("a rate rule holds when twenty submissions arrive at once")
    func concurrentRate() async throws {
        try await TestApp.withLiveServer { client in
            let api = APIClient(client: client)
            let signup = try await api.signup()
            let setup = try await api.agentWithKey(as: signup.credential)
            let policy =
                #"{"rules":[{"id":"reads","match":{"action":"**.read"},"tier":"T0"},{"id":"burst","match":{"action":"**"},"rate":{"max":5,"per":"1h","scope":"agent"},"tier":"T2"}]}"#
            #expect(try await api.call(.put, "/v1/teams/\(setup.team)/policy", as: signup.credential, json: policy).status == .ok)
            let port = try #require(client.port)
            let tiers = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/v1/intents")!)
                        request.httpMethod = "POST"
                        request.setValue("Bearer \(setup.key)", forHTTPHeaderField: "Authorization")
                        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
                        request.httpBody = Data(#"{"action":"s3.objects.read","resource":"b/\#(index)"}"#.utf8)
                        let (data, _) = try await URLSession.shared.data(for: request)
                        // Anything but a classified intent (a problem, say) is returned as text, for the assertion to show.
                        guard let tier = try? JSONDecoder().decode(IntentBody.self, from: data).tier else {
                            return "none: \(String(decoding: data, as: UTF8.self))"
                        }
                        return tier
                    }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            // The first five find fewer than five before them; every later one finds five or more.
            #expect(tiers.filter { $0 == "T0" }.count == 5, "\(tiers)")
            #expect(tiers.filter { $0 == "T2" }.count == 15, "\(tiers)")
        }
    }
}
