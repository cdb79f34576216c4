import Foundation
import Testing
import WritAPI
import WritCore
import WritCrypto
import WritTestSupport

@Suite("Approval workflows", .timeLimit(.minutes(3)))
struct ApprovalFlowTests {
    struct Person {
        let credential: Credential
        let id: String
        let totp: TOTP?

        /// A code for a step this person has not used yet (the confirmation used the current one).
        var nextCode: String { totp!.code(forStep: TOTP.step(at: Date()) + 1) }
    }

    static func person(_ api: APIClient, admin: Credential, roles: String, teams: [String] = [], totp: Bool = false) async throws -> Person
    {
        let email = "p-\(UUID().uuidString.prefix(8))@example.com"
        let (invited, accepted, _) = try await api.inviteAndAccept(as: admin, email: email, roles: roles, teams: teams)
        let session = try Credential.session(from: accepted)
        var secret: TOTP?
        if totp {
            let enrol = try await api.call(.post, "/v1/me/totp", as: session)
            secret = TOTP(secret: Base32.decode(try enrol.decoded(TOTPEnrolmentBody.self).secret) ?? [])
            _ = try await api.call(
                .post, "/v1/me/totp/confirm", as: session, json: #"{"code":"\#(secret!.code(forStep: TOTP.step(at: Date())))"}"#)
        }
        return Person(credential: session, id: try invited.decoded(MemberBody.self).id, totp: secret)
    }

    @Test("T1: one operator of the agent's team approves; others may not; a decided intent takes no more decisions")
    func t1() async throws {
        try await TestApp.withLiveServer { client in
            let api = APIClient(client: client)
            let signup = try await api.signup()
            let setup = try await api.agentWithKey(as: signup.credential)
            let teamOperator = try await Self.person(api, admin: signup.credential, roles: #"["operator"]"#, teams: [setup.team])
            let outsider = try await Self.person(api, admin: signup.credential, roles: #"["operator"]"#)
            let auditor = try await Self.person(api, admin: signup.credential, roles: #"["auditor"]"#, teams: [setup.team])
            let intent = try await api.call(
                .post, "/v1/intents", as: .key(setup.key), json: #"{"action":"crm.contact.update","resource":"c/1"}"#)
            let id = try intent.decoded(IntentBody.self).id
            let approve = #"{"decision":"approve","comment":"looks fine"}"#
            #expect(try await api.call(.post, "/v1/intents/\(id)/decisions", as: outsider.credential, json: approve).status == .forbidden)
            #expect(try await api.call(.post, "/v1/intents/\(id)/decisions", as: auditor.credential, json: approve).status == .forbidden)
            #expect(try await api.call(.post, "/v1/intents/\(id)/decisions", as: .key(setup.key), json: approve).status == .forbidden)
            let approved = try await api.call(.post, "/v1/intents/\(id)/decisions", as: teamOperator.credential, json: approve)
            let decided = try approved.decoded(IntentBody.self)
            #expect(decided.status == "approved")
            // The approver sees what the warrant says, never the warrant itself; the agent gets it.
            #expect(decided.warrant == nil)
            #expect(decided.warrantClaims?.tier == "T1")
            let forAgent = try await api.call(.get, "/v1/intents/\(id)", as: .key(setup.key))
            let token = try #require(try forAgent.decoded(IntentBody.self).warrant)
            // Another key of the same agent (an admin may mint one at any time) never gets it.
            let minted = try await api.call(
                .post, "/v1/api-keys", as: signup.credential,
                json: #"{"name":"minted","agent_id":"\#(setup.agent)","scopes":["intents","warrants"],"audiences":["crm"]}"#)
            let mintedKey = Credential.key(try minted.decoded(CreatedKeyBody.self).key)
            #expect(try await api.call(.get, "/v1/intents/\(id)", as: mintedKey).decoded(IntentBody.self).warrant == nil)
            #expect(
                try await api.call(.get, "/api/v1/intents/\(id)", as: mintedKey).body.contains(
                    token.split(separator: ".").last.map(String.init) ?? "x") == false)
            #expect(try await api.call(.get, "/v1/intents/\(id)", as: auditor.credential).decoded(IntentBody.self).warrant == nil)
            let parts = try #require(JWS.Parts(compact: token))
            let claims = try #require(WarrantClaims(json: try JSONParser.parse(parts.payload)))
            #expect(claims.approvals.map(\.by) == [teamOperator.id])
            #expect(claims.tier == .t1)
            let executor = try await api.call(
                .post, "/v1/api-keys", as: signup.credential,
                json: #"{"name":"exec","scopes":["warrants"],"audiences":["k8s","crm","payments","db","s3"]}"#)
            let executorKey = Credential.key(try executor.decoded(CreatedKeyBody.self).key)
            #expect(try await api.call(.post, "/v1/warrants/\(claims.jti)/redeem", as: executorKey).status == .ok)
            #expect(try await api.call(.post, "/v1/warrants/\(claims.jti)/redeem", as: executorKey).status == .conflict)
            #expect(try await api.call(.post, "/v1/intents/\(id)/decisions", as: signup.credential, json: approve).status == .conflict)
            let done = try await api.call(
                .post, "/v1/intents/\(id)/result", as: .key(setup.key), json: #"{"status":"executed","summary":"ok"}"#)
            #expect(try done.decoded(IntentBody.self).status == "executed")
            #expect(try await api.call(.post, "/v1/intents/\(id)/cancel", as: .key(setup.key)).status == .conflict)
        }
    }

    @Test("the agent's owner never counts as an approver, and a rejection rejects")
    func ownerAndRejection() async throws {
        try await TestApp.withLiveServer { client in
            let api = APIClient(client: client)
            let signup = try await api.signup()
            let team = try await api.call(.post, "/v1/teams", as: signup.credential, json: #"{"name":"owned"}"#).decoded(TeamBody.self).id
            let agent = try await api.call(
                .post, "/v1/agents", as: signup.credential, json: #"{"name":"mine","team_id":"\#(team)","owner_id":"\#(signup.user)"}"#)
            let key = try await api.call(
                .post, "/v1/api-keys", as: signup.credential,
                json: #"{"name":"k","agent_id":"\#(try agent.decoded(AgentBody.self).id)","scopes":["intents"]}"#)
            let intent = try await api.call(
                .post, "/v1/intents", as: .key(try key.decoded(CreatedKeyBody.self).key), json: #"{"action":"crm.update","resource":"c/2"}"#
            )
            let id = try intent.decoded(IntentBody.self).id
            let owner = try await api.call(.post, "/v1/intents/\(id)/decisions", as: signup.credential, json: #"{"decision":"approve"}"#)
            #expect(owner.status == .forbidden)
            #expect(try owner.decoded(ProblemBody.self).detail.contains("owner"))
            let other = try await Self.person(api, admin: signup.credential, roles: #"["admin"]"#)
            let rejected = try await api.call(
                .post, "/v1/intents/\(id)/decisions", as: other.credential, json: #"{"decision":"reject","comment":"no"}"#)
            #expect(try rejected.decoded(IntentBody.self).status == "rejected")
            #expect(try rejected.decoded(IntentBody.self).warrant == nil)
        }
    }

    @Test("T2: distinct approvers with TOTP; racing approvals produce exactly one warrant")
    func t2Race() async throws {
        try await TestApp.withLiveServer { client in
            let api = APIClient(client: client)
            let signup = try await api.signup()
            let setup = try await api.agentWithKey(as: signup.credential)
            var approvers: [Person] = []
            for _ in 0..<4 { approvers.append(try await Self.person(api, admin: signup.credential, roles: #"["approver"]"#, totp: true)) }
            let noTOTP = try await Self.person(api, admin: signup.credential, roles: #"["approver"]"#)
            let intent = try await api.call(
                .post, "/v1/intents", as: .key(setup.key), json: #"{"action":"s3.objects.delete","resource":"b/9"}"#)
            #expect(try intent.decoded(IntentBody.self).tier == "T2")
            let id = try intent.decoded(IntentBody.self).id
            let refused = try await api.call(.post, "/v1/intents/\(id)/decisions", as: noTOTP.credential, json: #"{"decision":"approve"}"#)
            #expect(refused.status == .forbidden)
            #expect(try refused.decoded(ProblemBody.self).detail.contains("TOTP"))
            let wrong = try await api.call(
                .post, "/v1/intents/\(id)/decisions", as: approvers[0].credential, json: #"{"decision":"approve","totp":"000000"}"#)
            #expect(wrong.status == .unauthorized || approvers[0].totp!.matchingStep(for: "000000", at: Date()) != nil)
            let results = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                for person in approvers {
                    group.addTask {
                        let response = try await api.call(
                            .post, "/v1/intents/\(id)/decisions", as: person.credential,
                            json: #"{"decision":"approve","totp":"\#(person.nextCode)"}"#)
                        // Only an approval answers an intent; a refused one answers a problem, with no claims.
                        let jti = response.status == .ok ? try response.decoded(IntentBody.self).warrantClaims?.jti : nil
                        return (response.status.code, jti)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.filter { $0.0 == 200 }.count == 2)
            #expect(results.filter { $0.0 == 409 }.count == 2)
            let warrants = Set(results.compactMap(\.1))
            #expect(warrants.count == 1)
            let state = try await api.call(.get, "/v1/intents/\(id)", as: .key(setup.key))
            let stateBody = try state.decoded(IntentBody.self)
            let token = try #require(stateBody.warrant)
            #expect(stateBody.warrantClaims?.jti == warrants.first)
            let parts = try #require(JWS.Parts(compact: token))
            let claims = try #require(WarrantClaims(json: try JSONParser.parse(parts.payload)))
            #expect(claims.approvals.count == 2)
            let allMFA = claims.approvals.allSatisfy { $0.mfa }
            #expect(allMFA)
            #expect(Set(claims.approvals.map(\.by)).count == 2)
        }
    }

    @Test("waiting on one node returns as soon as a decision lands on another; overdue intents expire")
    func waitAndExpiry() async throws {
        // Nodes share the database and the master key (which the key hashes are peppered with).
        try await TestApp.withTwoNodes { api, other in
            let signup = try await api.signup()
            let setup = try await api.agentWithKey(as: signup.credential)
            let approver = try await Self.person(api, admin: signup.credential, roles: #"["admin"]"#)
            let intent = try await api.call(.post, "/v1/intents", as: .key(setup.key), json: #"{"action":"crm.update","resource":"c/3"}"#)
            let id = try intent.decoded(IntentBody.self).id
            let start = ContinuousClock.now
            async let waited = other.call(.get, "/v1/intents/\(id)?wait=15", as: .key(setup.key))
            #expect(try await other.longPolls(1))
            _ = try await api.call(.post, "/v1/intents/\(id)/decisions", as: approver.credential, json: #"{"decision":"approve"}"#)
            let result = try await waited
            let status = try result.decoded(IntentBody.self).status
            #expect(status == "approved")
            // Well before the 15 s the wait would last without the notice (the whole suite on two
            // cores can make the decision itself take seconds).
            #expect(ContinuousClock.now - start < .seconds(10))
            #expect(try await api.call(.get, "/v1/intents/\(id)?wait=99", as: .key(setup.key)).status == .unprocessableContent)

            _ = try await api.call(.put, "/v1/policy", as: signup.credential, json: #"{"defaults":{"tier":"T1","approval_timeout":"1s"}}"#)
            let brief = try await api.call(.post, "/v1/intents", as: .key(setup.key), json: #"{"action":"crm.update","resource":"c/4"}"#)
            let briefID = try brief.decoded(IntentBody.self).id
            let expired = try await other.call(.get, "/v1/intents/\(briefID)?wait=10", as: .key(setup.key))
            #expect(try expired.decoded(IntentBody.self).status == "expired")
            let late = try await api.call(
                .post, "/v1/intents/\(briefID)/decisions", as: approver.credential, json: #"{"decision":"approve"}"#)
            #expect(late.status == .conflict)
            // A timeout long enough that the intent is still pending however slow the machine.
            _ = try await api.call(.put, "/v1/policy", as: signup.credential, json: #"{"defaults":{"tier":"T1","approval_timeout":"1h"}}"#)
            let cancelled = try await api.call(
                .post, "/v1/intents", as: .key(setup.key), json: #"{"action":"crm.update","resource":"c/5"}"#)
            let cancel = try await api.call(.post, "/v1/intents/\(try cancelled.decoded(IntentBody.self).id)/cancel", as: .key(setup.key))
            #expect(try cancel.decoded(IntentBody.self).status == "cancelled")
        }
    }
}
