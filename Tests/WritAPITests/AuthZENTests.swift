import Foundation
import HTTPTypes
import Testing
import WritCore
import WritTestSupport

/// The OpenID AuthZEN Authorization API 1.0 (docs/authzen.md): requests shaped as the
/// specification's examples, and its "Todo" interoperability scenario.
@Suite("AuthZEN Authorization API 1.0", .timeLimit(.minutes(3)))
struct AuthZENTests {
    static func evaluation(
        subject: String, action: String, resource: (String, String), properties: String = "{}",
        context: String = "{}"
    ) -> String {
        """
        {"subject":{"type":"agent","id":"\(subject)"},"action":{"name":"\(action)","properties":{"method":"POST"}},
         "resource":{"type":"\(resource.0)","id":"\(resource.1)","properties":\(properties)},"context":\(context),
         "an_unknown_member":{"is":"ignored, as the specification asks"}}
        """
    }

    @Test(
        "metadata; a T0 evaluation is true with a warrant; T1 is false with where to approve, the same intent when asked again, true once approved; a denial names its rule"
    )
    func evaluations() async throws {
        try await TestApp.withServer { api, _ in
            let signup = try await api.signup()
            let setup = try await api.agentWithKey(as: signup.credential)
            let metadata = try await api.call(.get, "/.well-known/authzen-configuration").decoded(AuthZENMetadataBody.self)
            let base = metadata.policyDecisionPoint
            #expect(metadata.accessEvaluationEndpoint == base + "/access/v1/evaluation")
            #expect(metadata.accessEvaluationsEndpoint == base + "/access/v1/evaluations")

            let read = try await api.call(
                .post, "/access/v1/evaluation", as: .key(setup.key),
                json: Self.evaluation(subject: setup.agent, action: "s3.objects.read", resource: ("bucket", "report.csv")),
                headers: [.init("X-Request-ID")!: "req-1"])
            #expect(read.status == .ok && read.headers[.init("X-Request-ID")!] == "req-1")
            let readDecision = try read.decoded(AuthZENDecisionBody.self)
            #expect(readDecision.decision == true, "\(read.body)")
            let token = try #require(readDecision.context.warrant)
            let verified = try await api.call(
                .post, "/v1/warrants/verify", json: #"{"warrant":"\#(token)","tenant_id":"\#(signup.tenant)"}"#
            ).decoded(WarrantVerificationBody.self)
            #expect(verified.valid == true)
            let claims = try #require(verified.claims)
            #expect(claims.resource == "bucket/report.csv" && claims.action == "s3.objects.read")
            // The digest covers the params the evaluation filed: properties and context, merged.
            let params: JSONValue = ["method": "POST"]
            #expect(claims.actionDigest == Warrant.actionDigest(action: "s3.objects.read", resource: "bucket/report.csv", params: params))

            let update = Self.evaluation(
                subject: "deployer", action: "crm.contacts.update", resource: ("contact", "7"),
                properties: #"{"email":"new@example.com"}"#, context: #"{"idempotency_key":"pep-42"}"#)
            let pending = try await api.call(.post, "/access/v1/evaluation", as: .key(setup.key), json: update)
            let pendingDecision = try pending.decoded(AuthZENDecisionBody.self)
            #expect(pendingDecision.decision == false, "\(pending.body)")
            let waiting = pendingDecision.context
            let intentID = try #require(waiting.intentID)
            #expect(waiting.tier == "T1" && waiting.status == "pending_approval" && waiting.warrant == nil)
            #expect(waiting.approvalURL?.hasSuffix("/#/intents/\(intentID)") == true)
            let again = try await api.call(.post, "/access/v1/evaluation", as: .key(setup.key), json: update)
            #expect(try again.decoded(AuthZENDecisionBody.self).context.intentID == intentID)
            let listed = try await api.call(.get, "/v1/intents?status=pending_approval", as: signup.credential)
                .decoded(PageBody<IntentBody>.self).items
            #expect(listed.count == 1, "asking again filed a second intent")
            let teamOperator = try await ApprovalFlowTests.person(
                api, admin: signup.credential, roles: #"["operator"]"#, teams: [setup.team])
            _ = try await api.call(
                .post, "/v1/intents/\(intentID)/decisions", as: teamOperator.credential, json: #"{"decision":"approve"}"#)
            let approved = try await api.call(.post, "/access/v1/evaluation", as: .key(setup.key), json: update)
            let approvedDecision = try approved.decoded(AuthZENDecisionBody.self)
            #expect(approvedDecision.decision == true && approvedDecision.context.warrant != nil, "\(approved.body)")

            _ = try await api.call(
                .put, "/v1/policy", as: signup.credential,
                json: #"""
                    {"rules":[{"id":"reads","match":{"action":"**.read"},"tier":"T0"},
                              {"id":"no-drops","match":{"action":"db.drop"},"effect":"deny"}]}
                    """#)
            let denied = try await api.call(
                .post, "/access/v1/evaluation", as: .key(setup.key),
                json: Self.evaluation(subject: setup.agent, action: "db.drop", resource: ("db", "orders")))
            let deniedDecision = try denied.decoded(AuthZENDecisionBody.self)
            let deniedContext = deniedDecision.context
            #expect(deniedDecision.decision == false && deniedContext.status == "denied")
            #expect(deniedContext.rules == ["no-drops"] && deniedContext.reason?.hasPrefix("no-drops: ") == true)
        }
    }

    @Test("400 for a missing or mistyped member, 403 for another subject or another credential, 401 without one")
    func refusals() async throws {
        try await TestApp.withServer { api, _ in
            let signup = try await api.signup()
            let setup = try await api.agentWithKey(as: signup.credential)
            let missing = try await api.call(
                .post, "/access/v1/evaluation", as: .key(setup.key),
                json: #"{"subject":{"type":"agent"},"action":{"name":7},"resource":{"type":"doc","id":"1"}}"#)
            #expect(try missing.status == .badRequest && Set(missing.errorPaths) == ["/subject/id", "/action/name"], "\(missing.body)")
            let conflict = try await api.call(
                .post, "/access/v1/evaluation", as: .key(setup.key),
                json: Self.evaluation(
                    subject: setup.agent, action: "s3.objects.read", resource: ("b", "1"), properties: #"{"method":"GET"}"#))
            #expect(try conflict.status == .badRequest && conflict.errorPaths == ["/action/properties/method"], "\(conflict.body)")
            let other = Self.evaluation(subject: "someone-else", action: "s3.objects.read", resource: ("b", "1"))
            #expect(try await api.call(.post, "/access/v1/evaluation", as: .key(setup.key), json: other).status == .forbidden)
            #expect(try await api.call(.post, "/access/v1/evaluation", as: signup.credential, json: other).status == .forbidden)
            #expect(try await api.call(.post, "/access/v1/evaluation", json: other).status == .unauthorized)
            let intents = try await api.call(.get, "/v1/intents", as: signup.credential).decoded(PageBody<IntentBody>.self).items
            #expect(intents.isEmpty, "a refused evaluation filed an intent")
        }
    }

    @Test("batches take defaults, run each semantic, and report a refused evaluation in place")
    func batches() async throws {
        try await TestApp.withServer { api, _ in
            let signup = try await api.signup()
            let setup = try await api.agentWithKey(as: signup.credential)
            func batch(_ semantic: String?, _ actions: [String], subject: String? = nil) async throws -> [AuthZENDecisionBody] {
                let items = actions.map { #"{"action":{"name":"\#($0)"}}"# }.joined(separator: ",")
                let options = semantic.map { #","options":{"evaluations_semantic":"\#($0)"}"# } ?? ""
                let answer = try await api.call(
                    .post, "/access/v1/evaluations", as: .key(setup.key),
                    json: """
                        {"subject":{"type":"agent","id":"\(subject ?? setup.agent)"},"resource":{"type":"bucket","id":"b"},
                         "evaluations":[\(items)]\(options)}
                        """)
                #expect(answer.status == .ok, "\(answer.body)")
                return try answer.decoded(AuthZENBatchBody.self).evaluations
            }
            let actions = ["s3.objects.read", "crm.contacts.update", "s3.objects.list"]
            #expect(try await batch(nil, actions).map(\.decision) == [true, false, true])
            #expect(try await batch("execute_all", actions).count == 3)
            #expect(try await batch("deny_on_first_deny", actions).map(\.decision) == [true, false])
            #expect(try await batch("permit_on_first_permit", actions).map(\.decision) == [true])
            let refused = try await batch(nil, ["s3.objects.read"], subject: "someone-else")
            #expect(refused.first?.context.error?.status == 403)
            let empty = try await api.call(
                .post, "/access/v1/evaluations", as: .key(setup.key),
                json: Self.evaluation(subject: setup.agent, action: "s3.objects.read", resource: ("b", "1")))
            #expect(try empty.decoded(AuthZENDecisionBody.self).decision == true, "a request without evaluations is a single evaluation")
            let badSemantic = try await api.call(
                .post, "/access/v1/evaluations", as: .key(setup.key),
                json: #"{"evaluations":[{}],"options":{"evaluations_semantic":"maybe"}}"#)
            #expect(try badSemantic.status == .badRequest && badSemantic.errorPaths.contains("/options/evaluations_semantic"))
        }
    }

    @Test("the working group's Todo interoperability scenario: every decision as expected")
    func interoperabilityScenario() async throws {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/authzen/todo-decisions-1_0-02.json")
        let data = try Data(contentsOf: fixture)
        try await TestApp.withServer { api, _ in
            let scenario = try JSONDecoder().decode(AuthZENScenario.self, from: data)
            let admin = try await api.signup().credential
            let team = try await api.call(.post, "/v1/teams", as: admin, json: #"{"name":"todo"}"#).decoded(TeamBody.self).id
            // The scenario's people, by subject id: Rick admin, Morty and Summer editors, Beth and Jerry viewers.
            let people: [(id: String, role: String, email: String)] = [
                ("CiRmZDA2MTRkMy1jMzlhLTQ3ODEtYjdiZC04Yjk2ZjVhNTEwMGQSBWxvY2Fs", "admin", "rick@the-citadel.com"),
                ("CiRmZDE2MTRkMy1jMzlhLTQ3ODEtYjdiZC04Yjk2ZjVhNTEwMGQSBWxvY2Fs", "editor", "morty@the-citadel.com"),
                ("CiRmZDI2MTRkMy1jMzlhLTQ3ODEtYjdiZC04Yjk2ZjVhNTEwMGQSBWxvY2Fs", "editor", "summer@the-smiths.com"),
                ("CiRmZDM2MTRkMy1jMzlhLTQ3ODEtYjdiZC04Yjk2ZjVhNTEwMGQSBWxvY2Fs", "viewer", "beth@the-smiths.com"),
                ("CiRmZDQ2MTRkMy1jMzlhLTQ3ODEtYjdiZC04Yjk2ZjVhNTEwMGQSBWxvY2Fs", "viewer", "jerry@the-smiths.com"),
            ]
            var keys: [String: String] = [:]
            var ownRules: [String] = []
            for person in people {
                let agent =
                    try await api.call(
                        .post, "/v1/agents", as: admin,
                        json: """
                            {"name":"\(person.id)","team_id":"\(team)","labels":{"role":"\(person.role)"}}
                            """
                    ).decoded(AgentBody.self).id
                keys[person.id] =
                    try await api.call(
                        .post, "/v1/api-keys", as: admin,
                        json: #"{"name":"pep","agent_id":"\#(agent)","scopes":["intents"]}"#
                    ).decoded(CreatedKeyBody.self).key
                if person.role == "editor" {
                    ownRules.append(
                        """
                        {"id":"own-\(person.role)-\(ownRules.count)","match":{"action":"can_*_todo","agent":"\(person.id)"},
                         "when":[{"path":"params.ownerID","op":"==","value":"\(person.email)"}],"tier":"T0"}
                        """)
                }
            }
            let saved = try await api.call(
                .put, "/v1/policy", as: admin,
                json: """
                    {"defaults":{"tier":"T1"},"rules":[
                      {"id":"reads","match":{"action":"can_read_*"},"tier":"T0"},
                      {"id":"create","match":{"action":"can_create_todo"},"when":[{"path":"agent.labels.role","op":"in","value":["admin","editor"]}],"tier":"T0"},
                      {"id":"admins","match":{"action":"can_*_todo"},"when":[{"path":"agent.labels.role","op":"==","value":"admin"}],"tier":"T0"},
                      \(ownRules.joined(separator: ","))]}
                    """)
            #expect(saved.status == .ok, "\(saved.body)")
            for case (let index, let item) in scenario.evaluation.enumerated() {
                let subject = try #require(item.request["subject"]?["id"]?.stringValue)
                let body = CanonicalJSON.string(item.request)
                let answer = try await api.call(.post, "/access/v1/evaluation", as: .key(try #require(keys[subject])), json: body)
                #expect(
                    try answer.decoded(AuthZENDecisionBody.self).decision == item.expected, "evaluation \(index): \(body) → \(answer.body)")
            }
            for case (let index, let item) in scenario.evaluations.enumerated() {
                let subject = try #require(item.request["subject"]?["id"]?.stringValue)
                let body = CanonicalJSON.string(item.request)
                let answer = try await api.call(.post, "/access/v1/evaluations", as: .key(try #require(keys[subject])), json: body)
                let expected = item.expected.map(\.decision)
                #expect(
                    try answer.decoded(AuthZENBatchBody.self).evaluations.map(\.decision) == expected,
                    "evaluations \(index): \(answer.body)")
            }
        }
    }
}
