import Foundation
import Testing
import WritAPI
import WritTestSupport

/// The routes the console reads: the intent list with its filters, the overview, and the
/// decisions recorded so far on an intent.
@Suite("Console routes", .timeLimit(.minutes(3)))
struct ConsoleRoutesTests {
    @Test("the intent list filters by status, tier, team and agent, pages newest first, and stays in its tenant")
    func intentList() async throws {
        try await TestApp.withLiveServer { client in
            let api = APIClient(client: client)
            let admin = try await api.signup()
            let first = try await api.agentWithKey(as: admin.credential)
            let second = try await api.agentWithKey(as: admin.credential)
            var ids: [String] = []
            for (key, action) in [(first.key, "crm.contact.read"), (first.key, "crm.contact.update"), (second.key, "crm.contact.delete")] {
                ids.append(
                    try await api.call(.post, "/v1/intents", as: .key(key), json: #"{"action":"\#(action)","resource":"c/1"}"#)
                        .decoded(IntentBody.self).id)
            }
            func listed(_ query: String, as credential: Credential? = nil) async throws -> [String] {
                let page = try await api.call(.get, "/v1/intents\(query)", as: credential ?? admin.credential)
                #expect(page.status == .ok, "\(query): \(page.body)")
                return try page.decoded(PageBody<IntentBody>.self).items.map(\.id)
            }
            #expect(try await listed("") == ids.reversed())
            #expect(try await listed("?tier=T0") == [ids[0]])
            #expect(try await listed("?status=pending_approval") == [ids[2], ids[1]])
            #expect(try await listed("?team_id=\(second.team)") == [ids[2]])
            #expect(try await listed("?agent_id=\(first.agent)&tier=T1") == [ids[1]])
            #expect(try await listed("?until=2000-01-01T00:00:00Z").isEmpty)
            // An agent's key sees its own intents only, whatever it asks for.
            #expect(try await listed("", as: .key(first.key)) == [ids[1], ids[0]])
            #expect(try await listed("?agent_id=\(second.agent)", as: .key(first.key)).isEmpty)

            let page = try await api.call(.get, "/v1/intents?limit=2", as: admin.credential)
            let cursor = try #require(try page.decoded(PageBody<IntentBody>.self).nextCursor)
            #expect(try await listed("?limit=2&cursor=\(cursor)") == [ids[0]])

            let bad = try await api.call(.get, "/v1/intents?status=done&tier=T9&since=yesterday&team_id=x", as: admin.credential)
            #expect(bad.status == .unprocessableContent)
            #expect(Set(try bad.errorPaths) == ["status", "tier", "since", "team_id"])

            let other = try await api.signup()
            #expect(try await listed("", as: other.credential).isEmpty)
            #expect(try await api.call(.get, "/v1/intents").status == .unauthorized)
        }
    }

    @Test("the overview counts the last days by tier and status, times decisions and shows the plan's use")
    func overview() async throws {
        try await TestApp.withLiveServer { client in
            let api = APIClient(client: client)
            let admin = try await api.signup()
            let setup = try await api.agentWithKey(as: admin.credential)
            for action in ["crm.contact.read", "crm.contact.read", "crm.contact.update"] {
                _ = try await api.call(.post, "/v1/intents", as: .key(setup.key), json: #"{"action":"\#(action)","resource":"c/1"}"#)
            }
            let pending = try await api.call(.get, "/v1/intents?status=pending_approval", as: admin.credential)
            let id = try #require(try pending.decoded(PageBody<IntentBody>.self).items.first?.id)
            // The admin created the agent's key, so separation of duties leaves the decision to an operator.
            let teamOperator = try await ApprovalFlowTests.person(
                api, admin: admin.credential, roles: #"["operator"]"#, teams: [setup.team])
            #expect(
                try await api.call(.post, "/v1/intents/\(id)/decisions", as: teamOperator.credential, json: #"{"decision":"approve"}"#)
                    .status == .ok)

            let overview = try await api.call(.get, "/v1/overview", as: admin.credential)
            #expect(overview.status == .ok, "\(overview.body)")
            let summary = try overview.decoded(OverviewBody.self)
            let today = String(ISO8601DateFormatter().string(from: Date()).prefix(10))
            func count(_ tier: String, _ status: String) -> Int {
                summary.counts.filter { $0.tier == tier && $0.status == status && $0.day == today }.reduce(0) { $0 + $1.count }
            }
            #expect(count("T0", "approved") == 2)
            #expect(count("T1", "approved") == 1)
            #expect(summary.medianSecondsToDecision["T1"] != nil)
            #expect(summary.medianSecondsToDecision["T2"] == nil)
            #expect(summary.plan.activeAgents == 1)
            #expect(summary.plan.intentsThisMonth == 3)
            #expect(summary.plan.maxActiveAgents == 5)

            #expect(try await api.call(.get, "/v1/overview?days=0", as: admin.credential).errorPaths == ["days"])
            #expect(try await api.call(.get, "/v1/overview", as: .key(setup.key)).status == .forbidden)
        }
    }

    @Test("an intent and the approval queue show who has decided so far")
    func decisionsSoFar() async throws {
        try await TestApp.withLiveServer { client in
            let api = APIClient(client: client)
            let admin = try await api.signup()
            let setup = try await api.agentWithKey(as: admin.credential)
            let first = try await ApprovalFlowTests.person(api, admin: admin.credential, roles: #"["approver"]"#, totp: true)
            let second = try await ApprovalFlowTests.person(api, admin: admin.credential, roles: #"["approver"]"#, totp: true)
            let intent = try await api.call(
                .post, "/v1/intents", as: .key(setup.key),
                json: #"{"action":"crm.contact.delete","resource":"c/9","params":{"why":"gdpr"},"justification":"erasure request"}"#)
            let filed = try intent.decoded(IntentBody.self)
            let id = filed.id
            #expect(filed.params["why"]?.stringValue == "gdpr")
            #expect(filed.justification == "erasure request")
            let decided = try await api.call(
                .post, "/v1/intents/\(id)/decisions", as: first.credential,
                json: #"{"decision":"approve","comment":"ok by me","totp":"\#(first.nextCode)"}"#)
            #expect(decided.status == .ok, "\(decided.body)")

            let queue = try await api.call(.get, "/v1/approvals", as: second.credential)
            let queued = try #require(try queue.decoded(ApprovalQueueBody.self).items.first { $0.id == id })
            let decisions = try #require(queued.decisions)
            #expect(decisions.count == 1)
            #expect(decisions.first?.userID == first.id)
            #expect(decisions.first?.decision == "approve")
            #expect(decisions.first?.comment == "ok by me")
            #expect(decisions.first?.mfa == true)

            let shown = try await api.call(.get, "/v1/intents/\(id)", as: admin.credential)
            #expect(try shown.decoded(IntentBody.self).decisions?.count == 1)
        }
    }

    @Test("the approval queue waits with ?wait= until it differs from the version the caller holds, across nodes")
    func queueLongPoll() async throws {
        try await TestApp.withTwoNodes { api, other in
            let admin = try await api.signup()
            let setup = try await api.agentWithKey(as: admin.credential)
            let approver = try await ApprovalFlowTests.person(api, admin: admin.credential, roles: #"["operator"]"#, teams: [setup.team])
            let empty = try await api.call(.get, "/v1/approvals", as: approver.credential)
            let version = try empty.decoded(ApprovalQueueBody.self).version
            // The same version and nothing happening: the answer comes after the wait, unchanged.
            let started = Date()
            let unchanged = try await api.call(.get, "/v1/approvals?wait=1&version=\(version)", as: approver.credential)
            #expect(Date().timeIntervalSince(started) >= 0.9)
            #expect(try unchanged.decoded(ApprovalQueueBody.self).version == version)
            // A stale version answers at once.
            let stale = Date()
            _ = try await api.call(.get, "/v1/approvals?wait=30&version=old", as: approver.credential)
            #expect(Date().timeIntervalSince(stale) < 5)
            // A new intent ends the wait long before its 30 seconds.
            async let waited = other.call(.get, "/v1/approvals?wait=30&version=\(version)", as: approver.credential)
            #expect(try await other.longPolls(1))
            let submittedAt = Date()
            let intent = try await api.call(
                .post, "/v1/intents", as: .key(setup.key), json: #"{"action":"crm.contact.update","resource":"c/3"}"#)
            let answer = try await waited
            #expect(Date().timeIntervalSince(submittedAt) < 10)
            #expect(try answer.decoded(ApprovalQueueBody.self).items.map(\.id) == [intent.decoded(IntentBody.self).id])
            #expect(try await api.call(.get, "/v1/approvals?wait=61", as: approver.credential).errorPaths == ["wait"])
        }
    }
}
