import Foundation
import Testing
import WritAPI
import WritCore
import WritTestSupport

@Suite("Teams, agents and API keys", .timeLimit(.minutes(3)))
struct AgentsAndKeysTests {
    @Test("a key is shown once, authenticates, and stops at once when revoked or its agent is disabled")
    func keyLifecycle() async throws {
        try await TestApp.withLiveServer { client in
            let api = APIClient(client: client)
            let admin = try await api.signup().credential
            let setup = try await api.agentWithKey(as: admin)
            #expect(APIKeyToken(parsing: setup.key) != nil)
            let me = try await api.call(.get, "/v1/me", as: .key(setup.key))
            #expect(me.status == .ok)
            #expect(try me.decoded(MeBody.self).kind == "api_key")
            #expect(try me.decoded(MeBody.self).agent?.id == setup.agent)
            let listed = try await api.call(.get, "/v1/api-keys", as: admin)
            #expect(!listed.body.contains(setup.key))
            #expect(listed.body.contains(String(setup.key.prefix(11))))
            // Disabling the agent stops its key; enabling brings it back.
            #expect(try await api.call(.patch, "/v1/agents/\(setup.agent)", as: admin, json: #"{"disabled": true}"#).status == .ok)
            #expect(try await api.call(.get, "/v1/me", as: .key(setup.key)).status == .unauthorized)
            #expect(try await api.call(.patch, "/v1/agents/\(setup.agent)", as: admin, json: #"{"disabled": false}"#).status == .ok)
            #expect(try await api.call(.get, "/v1/me", as: .key(setup.key)).status == .ok)
            #expect(try await api.call(.delete, "/v1/api-keys/\(setup.keyID)", as: admin).status == .noContent)
            #expect(try await api.call(.get, "/v1/me", as: .key(setup.key)).status == .unauthorized)
        }
    }

    @Test("forged, malformed, expired and scope-less keys are refused")
    func badKeys() async throws {
        try await TestApp.withLiveServer { client in
            let api = APIClient(client: client)
            let admin = try await api.signup().credential
            let setup = try await api.agentWithKey(as: admin)
            let forged = APIKeyToken.generate().text
            #expect(try await api.call(.get, "/v1/me", as: .key(forged)).status == .unauthorized)
            var typo = Array(setup.key)
            typo[10] = typo[10] == "a" ? "b" : "a"
            #expect(try await api.call(.get, "/v1/me", as: .key(String(typo))).status == .unauthorized)
            #expect(try await api.call(.get, "/v1/me", as: .key("writ_short")).status == .unauthorized)
            let basic = try await api.call(.get, "/v1/me", headers: [.authorization: "Basic YTpi"])
            #expect(basic.status == .unauthorized)
            #expect(basic.headers[.contentType] == "application/problem+json")
            let past = try await api.call(
                .post, "/v1/api-keys", as: admin,
                json: #"{"name":"old","scopes":["intents"],"expires_at":"2020-01-01T00:00:00Z"}"#)
            #expect(past.status == .unprocessableContent)
            #expect(try past.errorPaths == ["/expires_at"])
            let badScope = try await api.call(.post, "/v1/api-keys", as: admin, json: #"{"name":"x","scopes":["root"]}"#)
            #expect(try badScope.errorPaths == ["/scopes/0"])
            let noScope = try await api.call(.post, "/v1/api-keys", as: admin, json: #"{"name":"x","scopes":[]}"#)
            #expect(try noScope.errorPaths == ["/scopes"])
            // An intents-scoped key cannot manage the tenant.
            #expect(try await api.call(.post, "/v1/teams", as: .key(setup.key), json: #"{"name":"x"}"#).status == .forbidden)
            #expect(try await api.call(.get, "/v1/members", as: .key(setup.key)).status == .forbidden)
            // An admin-scoped key can, and is not subject to CSRF.
            let adminKey = try await api.call(.post, "/v1/api-keys", as: admin, json: #"{"name":"automation","scopes":["admin"]}"#)
            let automation = Credential.key(try adminKey.decoded(CreatedKeyBody.self).key)
            #expect(try await api.call(.post, "/v1/teams", as: automation, json: #"{"name":"from automation"}"#).status == .created)
        }
    }

    @Test("a key that expires stops working")
    func expiringKey() async throws {
        try await TestApp.withLiveServer { client in
            let api = APIClient(client: client)
            let admin = try await api.signup().credential
            let expiry = Date().addingTimeInterval(4)
            let created = try await api.call(
                .post, "/v1/api-keys", as: admin,
                json: #"{"name":"brief","scopes":["admin"],"expires_at":"\#(Timestamp.format(expiry))"}"#)
            let key = Credential.key(try created.decoded(CreatedKeyBody.self).key)
            let before = try await api.call(.get, "/v1/me", as: key).status
            // On a loaded machine the calls above may already have taken the key's whole life.
            if Date() < expiry { #expect(before == .ok) }
            try await Task.sleep(for: .seconds(max(0, expiry.timeIntervalSinceNow) + 1))
            #expect(try await api.call(.get, "/v1/me", as: key).status == .unauthorized)
        }
    }

    @Test("the free plan allows five active agents, answering 402 naming the quota")
    func agentQuota() async throws {
        try await TestApp.withLiveServer { client in
            let api = APIClient(client: client)
            let admin = try await api.signup().credential
            let team = try await api.call(.post, "/v1/teams", as: admin, json: #"{"name":"fleet"}"#).decoded(TeamBody.self).id
            var ids: [String] = []
            for index in 0..<5 {
                let agent = try await api.call(.post, "/v1/agents", as: admin, json: #"{"name":"a\#(index)","team_id":"\#(team)"}"#)
                #expect(agent.status == .created)
                ids.append(try agent.decoded(AgentBody.self).id)
            }
            let sixth = try await api.call(.post, "/v1/agents", as: admin, json: #"{"name":"a6","team_id":"\#(team)"}"#)
            #expect(sixth.status.code == 402)
            #expect(try sixth.decoded(ProblemBody.self).type.contains("active_agents"))
            #expect(try await api.call(.patch, "/v1/agents/\(ids[0])", as: admin, json: #"{"disabled":true}"#).status == .ok)
            #expect(try await api.call(.post, "/v1/agents", as: admin, json: #"{"name":"a6","team_id":"\#(team)"}"#).status == .created)
            #expect(try await api.call(.patch, "/v1/agents/\(ids[0])", as: admin, json: #"{"disabled":false}"#).status.code == 402)
        }
    }

    @Test("twenty agents made at once on the free plan: exactly five are created; labels hold visible characters only")
    func agentQuotaUnderConcurrency() async throws {
        try await TestApp.withServer { api, _ in
            let admin = try await api.signup().credential
            let team = try await api.call(.post, "/v1/teams", as: admin, json: #"{"name":"burst"}"#).decoded(TeamBody.self).id
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        Int(
                            try await api.call(.post, "/v1/agents", as: admin, json: #"{"name":"b\#(index)","team_id":"\#(team)"}"#).status
                                .code)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 201 }.count == 5 && statuses.filter { $0 == 402 }.count == 15, "\(statuses.sorted())")
            for labels in [#"{"x":"a\u0000b"}"#, #"{"a\u0000":"b"}"#, #"{"x":"ok\u202Eko"}"#, #"{"x":"line\u2028"}"#] {
                let refused = try await api.call(
                    .post, "/v1/agents", as: admin, json: #"{"name":"labelled","team_id":"\#(team)","labels":\#(labels)}"#)
                #expect(refused.status == .unprocessableContent, "\(labels): \(refused.status) \(refused.body)")
            }
        }
    }

    @Test("each key is rate limited, answering 429 with Retry-After")
    func rateLimit() async throws {
        try await TestApp.withServer { api, database in
            let signup = try await api.signup()
            let setup = try await api.agentWithKey(as: signup.credential)
            // A plan of 1 request per second with bursts of 5, so a loaded machine cannot spread
            // the burst thin enough to stay under the limit.
            try await TestApp.usePlan("trickle", requestsPerSecond: 1, burst: 5, tenant: signup.tenant, database: database)
            // Warm the node's key cache, then send a burst well past the bucket at once.
            #expect(try await api.call(.get, "/v1/me", as: .key(setup.key)).status == .ok)
            let responses = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                for _ in 0..<40 {
                    group.addTask {
                        let response = try await api.call(.get, "/healthz", as: .key(setup.key))
                        return (response.status.code, response.headers[.retryAfter])
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let limited = responses.filter { $0.0 == 429 }
            #expect(!limited.isEmpty)
            #expect(limited.allSatisfy { Int($0.1 ?? "") ?? 0 >= 1 })
        }
    }

    @Test("teams: unique names, rename, and no deleting a team that owns agents")
    func teams() async throws {
        try await TestApp.withLiveServer { client in
            let api = APIClient(client: client)
            let admin = try await api.signup().credential
            let team = try await api.call(.post, "/v1/teams", as: admin, json: #"{"name":"Payments"}"#)
            let id = try team.decoded(TeamBody.self).id
            #expect(try await api.call(.post, "/v1/teams", as: admin, json: #"{"name":"payments"}"#).status == .conflict)
            #expect(
                try await api.call(.patch, "/v1/teams/\(id)", as: admin, json: #"{"name":"Billing"}"#).decoded(TeamBody.self).name
                    == "Billing")
            let agent = try await api.call(
                .post, "/v1/agents", as: admin, json: #"{"name":"biller","team_id":"\#(id)","labels":{"env":"prod"}}"#)
            #expect(try agent.decoded(AgentBody.self).labels == ["env": "prod"])
            #expect(try await api.call(.delete, "/v1/teams/\(id)", as: admin).status == .conflict)
            let unknownTeam = try await api.call(.post, "/v1/agents", as: admin, json: #"{"name":"x","team_id":"\#(UUID().uuidString)"}"#)
            #expect(unknownTeam.status == .unprocessableContent)
            let badLabels = try await api.call(.post, "/v1/agents", as: admin, json: #"{"name":"x","team_id":"\#(id)","labels":{"a":1}}"#)
            #expect(try badLabels.errorPaths == ["/labels/a"])
            let empty = try await api.call(.post, "/v1/teams", as: admin, json: #"{"name":"   "}"#)
            #expect(try empty.errorPaths == ["/name"])
            let page = try await api.call(.get, "/v1/teams?limit=0", as: admin)
            #expect(page.status == .unprocessableContent)
            let cursor = try await api.call(.get, "/v1/teams?cursor=%%%", as: admin)
            #expect(cursor.status == .unprocessableContent)
        }
    }
}
