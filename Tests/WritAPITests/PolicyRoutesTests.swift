import Foundation
import Postgres
import Testing
import WritAPI
import WritCore
import WritStore
import WritTestSupport

@Suite("Policies over HTTP", .timeLimit(.minutes(3)))
struct PolicyRoutesTests {
    @Test("a new tenant starts with the starter policy; saves create numbered versions; invalid documents save nothing")
    func versions() async throws {
        try await TestApp.withLiveServer { client in
            let api = APIClient(client: client)
            let admin = try await api.signup().credential
            let starter = try await api.call(.get, "/v1/policy", as: admin)
            #expect(starter.status == .ok)
            #expect(try starter.decoded(PolicyVersionBody.self).version == 1)
            #expect(try starter.decoded(PolicyVersionBody.self).comment == "starter policy")
            let saved = try await api.call(
                .put, "/v1/policy?comment=stricter", as: admin,
                json: #"{"defaults":{"tier":"T2"},"rules":[{"id":"reads","match":{"action":"**.read"},"tier":"T0"}]}"#)
            #expect(saved.status == .ok)
            #expect(try saved.decoded(PolicyVersionBody.self).version == 2)
            let invalid = try await api.call(
                .put, "/v1/policy", as: admin,
                json: """
                    {"defaults":{"tier":"T5"},"rules":[{"id":"x","match":{"action":"a.***"},"tier":"T1"},{"id":"x","tier":"T1",
                     "when":[{"path":"params.n","op":"~","value":1}]}]}
                    """)
            #expect(invalid.status == .unprocessableContent)
            #expect(Set(try invalid.errorPaths) == ["/defaults/tier", "/rules/0/match/action", "/rules/1/id", "/rules/1/when/0/op"])
            #expect(try await api.call(.get, "/v1/policy", as: admin).decoded(PolicyVersionBody.self).version == 2)
            let listed = try await api.call(.get, "/v1/policy/versions?limit=1", as: admin).decoded(PageBody<PolicyVersionBody>.self)
            #expect(listed.items.first?.version == 2)
            let older = try await api.call(.get, "/v1/policy/versions?limit=1&cursor=\(try #require(listed.nextCursor))", as: admin)
            #expect(try older.decoded(PageBody<PolicyVersionBody>.self).items.first?.version == 1)
            let first = try await api.call(.get, "/v1/policy/versions/1", as: admin)
            #expect(try first.decoded(PolicyVersionBody.self).document?["rules"] != nil)
            #expect(try await api.call(.get, "/v1/policy/versions/9", as: admin).status == .notFound)
            let team = try await api.call(.post, "/v1/teams", as: admin, json: #"{"name":"payments"}"#).decoded(TeamBody.self).id
            #expect(try await api.call(.get, "/v1/teams/\(team)/policy", as: admin).status == .notFound)
            #expect(
                try await api.call(.put, "/v1/teams/\(team)/policy", as: admin, json: #"{"rules":[]}"#).decoded(PolicyVersionBody.self)
                    .version
                    == 1)
            #expect(
                try await api.call(.put, "/v1/teams/\(UUID().uuidString)/policy", as: admin, json: #"{"rules":[]}"#).status == .notFound)
            #expect(try await api.call(.put, "/v1/policy", as: admin, json: "[1]").status == .unprocessableContent)
            #expect(try await api.call(.put, "/v1/policy", as: admin, json: "{").status == .badRequest)
        }
    }

    @Test("simulate classifies with the saved or a draft policy, explains why, and stores nothing")
    func simulate() async throws {
        try await TestApp.withLiveServer { client in
            let api = APIClient(client: client)
            let admin = try await api.signup().credential
            let setup = try await api.agentWithKey(as: admin)
            let intent = #"{"action":"payments.transfer","resource":"acct/9","params":{"amount":25000},"agent_id":"\#(setup.agent)"}"#
            let saved = try await api.call(
                .post, "/v1/policies/simulate", as: admin, json: #"{"team_id":"\#(setup.team)","intent":\#(intent)}"#)
            #expect(saved.status == .ok)
            let classified = try saved.decoded(PolicyDecisionBody.self)
            #expect(classified.tier == "T2")
            #expect(classified.rules.first?.id == "large-payments")
            #expect(classified.rules.first?.reason.contains("params.amount (25000) >= 10000") == true)
            #expect(classified.approvals?.mfa == true)
            let draft = try await api.call(
                .post, "/v1/policies/simulate", as: admin,
                json: """
                    {"team_id":"\(setup.team)","intent":\(intent),
                     "policy":{"rules":[{"id":"no-payments","match":{"action":"payments.**"},"effect":"deny"}]}}
                    """)
            #expect(try draft.decoded(PolicyDecisionBody.self).outcome == "deny")
            #expect(try draft.decoded(JSONValue.self)["tier"] == nil)
            #expect(try draft.decoded(PolicyDecisionBody.self).policy?.draft == true)
            let badDraft = try await api.call(
                .post, "/v1/policies/simulate", as: admin, json: #"{"team_id":"\#(setup.team)","intent":\#(intent),"policy":{"rules":5}}"#)
            #expect(try badDraft.errorPaths == ["/policy/rules"])
            let badIntent = try await api.call(
                .post, "/v1/policies/simulate", as: admin,
                json: #"{"team_id":"\#(setup.team)","intent":{"action":"rm -rf /","resource":"x","colour":1}}"#)
            #expect(Set(try badIntent.errorPaths) == ["/intent/action", "/intent/colour"])
            #expect(try await api.call(.get, "/v1/policy", as: admin).decoded(PolicyVersionBody.self).version == 1)
        }
    }

    @Test("backtest replays recorded intents and reports every change of tier with totals")
    func backtest() async throws {
        try await TestApp.withServer { api, database in
            let signup = try await api.signup()
            let setup = try await api.agentWithKey(as: signup.credential)
            // Record intents as the starter policy classified them.
            let store = Database(pool: ConnectionPool(configuration: database.appConfiguration(maxConnections: 1)))
            let tenant = UUID(uuidString: signup.tenant)!
            let rows: [(String, String, String)] = (0..<1200).map { index in
                switch index % 3 {
                case 0: ("s3.objects.read", "bucket/\(index)", "T0")
                case 1: ("payments.transfer", "acct/\(index)", index % 2 == 0 ? "T2" : "T1")
                default: ("k8s.deployment.scale", "prod/web", "T3")
                }
            }
            try await store.withTenant(tenant) { tx in
                for (index, row) in rows.enumerated() {
                    let amount = row.2 == "T2" ? 50_000 : 10
                    try await tx.execute(
                        """
                        INSERT INTO intents (tenant_id, id, team_id, agent_id, action, resource, params, outcome, tier, created_at)
                        VALUES (\(tenant), \(UUID()), \(UUID(uuidString: setup.team)!), \(UUID(uuidString: setup.agent)!), \(row.0), \(row.1),
                                \(#"{"amount":\#(amount)}"#), 'allow', \(row.2), now() - make_interval(secs => \(1200 - index)))
                        """)
                }
            }
            await store.pool.close()
            let response = try await api.call(
                .post, "/v1/policies/backtest", as: signup.credential,
                json: """
                    {"team_id":"\(setup.team)","since":"2020-01-01T00:00:00Z",
                     "policy":{"rules":[{"id":"reads-need-approval","match":{"action":"**.read"},"tier":"T1"}]}}
                    """)
            #expect(response.status == .ok)
            let body = try response.decoded(BacktestBody.self)
            #expect(body.replayed == 1200)
            #expect(body.changed == 400)
            #expect(body.totals["T0->T1"] == 400)
            #expect(body.totals["T3->T3"] == 400)
            #expect(body.changes.count == 400)
            let missing = try await api.call(.post, "/v1/policies/backtest", as: signup.credential, json: #"{"team_id":"\#(setup.team)"}"#)
            #expect(Set(try missing.errorPaths) == ["/policy", "/since"])
        }
    }
}

@Suite("Policy rate rules and caches", .timeLimit(.minutes(3)))
struct PolicyRateAndCacheTests {
    @Test("rate rules count the scope's recent intents from the database")
    func rateRulesCountRecentIntents() async throws {
        try await TestApp.withServer { api, database in
            let signup = try await api.signup()
            let setup = try await api.agentWithKey(as: signup.credential)
            let draft = #"{"rules":[{"id":"burst","match":{"action":"**"},"rate":{"max":3,"per":"1h","scope":"agent"},"tier":"T2"}]}"#
            let body =
                #"{"team_id":"\#(setup.team)","policy":\#(draft),"intent":{"action":"crm.update","resource":"c/1","agent_id":"\#(setup.agent)"}}"#
            #expect(
                try await api.call(.post, "/v1/policies/simulate", as: signup.credential, json: body).decoded(PolicyDecisionBody.self).tier
                    == "T1")
            let store = Database(pool: ConnectionPool(configuration: database.appConfiguration(maxConnections: 1)))
            let tenant = UUID(uuidString: signup.tenant)!
            try await store.withTenant(tenant) { tx in
                for minutesAgo in [5, 10, 20, 120] {
                    try await tx.execute(
                        """
                        INSERT INTO intents (tenant_id, id, team_id, agent_id, action, resource, outcome, tier, created_at)
                        VALUES (\(tenant), \(UUID()), \(UUID(uuidString: setup.team)!), \(UUID(uuidString: setup.agent)!), 'crm.update', 'c/1',
                                'allow', 'T1', now() - make_interval(mins => \(minutesAgo)))
                        """)
                }
            }
            await store.pool.close()
            let limited = try await api.call(.post, "/v1/policies/simulate", as: signup.credential, json: body)
            let limitedDecision = try limited.decoded(PolicyDecisionBody.self)
            #expect(limitedDecision.tier == "T2")
            #expect(limitedDecision.rules.first?.reason.contains("3 intents of this agent") == true)
        }
    }

    @Test("a policy saved on one node classifies on another within a second")
    func crossNodePolicyChange() async throws {
        // Nodes share the database and the master key (which the key hashes are peppered with).
        try await TestApp.withTwoNodes { a, b in
            let signup = try await a.signup()
            let team = try await a.call(.post, "/v1/teams", as: signup.credential, json: #"{"name":"ops"}"#).decoded(TeamBody.self).id
            let body = #"{"team_id":"\#(team)","intent":{"action":"s3.objects.read","resource":"b/1"}}"#
            #expect(
                try await b.call(.post, "/v1/policies/simulate", as: signup.credential, json: body).decoded(PolicyDecisionBody.self).tier
                    == "T0")
            _ = try await a.call(
                .put, "/v1/teams/\(team)/policy", as: signup.credential,
                json: #"{"rules":[{"id":"reads","match":{"action":"**.read"},"tier":"T2"}]}"#)
            let savedAt = ContinuousClock.now
            let classified = try await eventually(timeout: .seconds(1), every: .milliseconds(20)) {
                try await b.call(.post, "/v1/policies/simulate", as: signup.credential, json: body).decoded(PolicyDecisionBody.self).tier
                    == "T2"
            }
            #expect(classified, "T2 on the other node \(ContinuousClock.now - savedAt) after the save")
        }
    }
}
