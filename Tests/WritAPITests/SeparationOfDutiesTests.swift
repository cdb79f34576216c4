import Foundation
import Testing
import WritCrypto
import WritTestSupport

@Suite("Separation of duties is fixed at submission", .timeLimit(.minutes(3)))
struct SeparationOfDutiesTests {
    @Test("clearing the agent's owner while a T1 is pending does not make the owner an approver")
    func ownerClearedAfterSubmission() async throws {
        try await TestApp.withLiveServer { client in
            let api = APIClient(client: client)
            let signup = try await api.signup()
            let owner = try await ApprovalFlowTests.person(api, admin: signup.credential, roles: #"["admin"]"#)
            let team = try await api.call(.post, "/v1/teams", as: signup.credential, json: #"{"name":"sod"}"#).decoded(TeamBody.self).id
            let agent =
                try await api.call(
                    .post, "/v1/agents", as: signup.credential,
                    json: #"{"name":"owned","team_id":"\#(team)","owner_id":"\#(owner.id)"}"#
                ).decoded(AgentBody.self).id
            let key = try await api.call(
                .post, "/v1/api-keys", as: signup.credential, json: #"{"name":"k","agent_id":"\#(agent)","scopes":["intents"]}"#)
            let intent = try await api.call(
                .post, "/v1/intents", as: .key(try key.decoded(CreatedKeyBody.self).key), json: #"{"action":"crm.update","resource":"c/1"}"#
            )
            let id = try intent.decoded(IntentBody.self).id
            let cleared = try await api.call(.patch, "/v1/agents/\(agent)", as: owner.credential, json: #"{"owner_id":null}"#)
            #expect(cleared.status == .ok)
            let decided = try await api.call(.post, "/v1/intents/\(id)/decisions", as: owner.credential, json: #"{"decision":"approve"}"#)
            #expect(decided.status == .forbidden)
            #expect(
                try await api.call(.get, "/v1/intents/\(id)", as: owner.credential).decoded(IntentBody.self).status == "pending_approval")
        }
    }

    @Test("the person who created the submitting key never approves its intents, owner or not")
    func keyCreatorNeverApproves() async throws {
        try await TestApp.withLiveServer { client in
            let api = APIClient(client: client)
            let signup = try await api.signup()
            let setup = try await api.agentWithKey(as: signup.credential)  // no owner; the admin made the key
            let intent = try await api.call(.post, "/v1/intents", as: .key(setup.key), json: #"{"action":"crm.update","resource":"c/2"}"#)
            let id = try intent.decoded(IntentBody.self).id
            let own = try await api.call(.post, "/v1/intents/\(id)/decisions", as: signup.credential, json: #"{"decision":"approve"}"#)
            #expect(own.status == .forbidden)
            // Nor through a key made by a key the admin made.
            let adminKey = try await api.call(
                .post, "/v1/api-keys", as: signup.credential, json: #"{"name":"automation","scopes":["admin"]}"#)
            let derived = try await api.call(
                .post, "/v1/api-keys", as: .key(try adminKey.decoded(CreatedKeyBody.self).key),
                json: #"{"name":"derived","agent_id":"\#(setup.agent)","scopes":["intents"]}"#)
            let second = try await api.call(
                .post, "/v1/intents", as: .key(try derived.decoded(CreatedKeyBody.self).key),
                json: #"{"action":"crm.update","resource":"c/3"}"#)
            let secondDecision = try await api.call(
                .post, "/v1/intents/\(try second.decoded(IntentBody.self).id)/decisions", as: signup.credential,
                json: #"{"decision":"approve"}"#)
            #expect(secondDecision.status == .forbidden)
            // Another admin may.
            let other = try await ApprovalFlowTests.person(api, admin: signup.credential, roles: #"["admin"]"#)
            let approved = try await api.call(.post, "/v1/intents/\(id)/decisions", as: other.credential, json: #"{"decision":"approve"}"#)
            #expect(try approved.decoded(IntentBody.self).status == "approved")
        }
    }

    @Test("a board member made the agent's owner after the links went out cannot vote")
    func boardMemberMadeOwner() async throws {
        let mail = TestApp.mailDirectory()
        try await TestApp.withServer(configure: { $0.mailDirectory = mail.path }) { api, _ in
            let signup = try await api.signup()
            let setup = try await api.agentWithKey(as: signup.credential)
            var board: [String: ApprovalFlowTests.Person] = [:]
            for index in 0..<3 {
                let email = "board\(index)-\(UUID().uuidString.prefix(6))@example.com"
                let (invited, accepted, _) = try await api.inviteAndAccept(as: signup.credential, email: email, roles: #"["board"]"#)
                board[email] = ApprovalFlowTests.Person(
                    credential: try Credential.session(from: accepted), id: try invited.decoded(MemberBody.self).id, totp: nil)
            }
            let intent = try await api.call(
                .post, "/v1/intents", as: .key(setup.key),
                json: #"{"action":"k8s.deployment.scale","resource":"prod/web","params":{"replicas":80}}"#)
            #expect(try intent.decoded(IntentBody.self).tier == "T3")
            let tokens = try await BoardApprovalTests.links(in: mail, count: 3)
            let (email, member) = try #require(board.first)
            #expect(
                try await api.call(.patch, "/v1/agents/\(setup.agent)", as: signup.credential, json: #"{"owner_id":"\#(member.id)"}"#)
                    .status == .ok)
            let vote = try await api.call(
                .post, "/v1/approval-links/decide", json: #"{"token":"\#(tokens[email] ?? "")","decision":"approve"}"#)
            #expect(vote.status == .forbidden)
            // The link was not used up by the refused vote.
            #expect(try await api.call(.post, "/v1/approval-links/view", json: #"{"token":"\#(tokens[email] ?? "")"}"#).status == .ok)
        }
        try? FileManager.default.removeItem(at: mail)
    }
}
