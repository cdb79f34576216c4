import Foundation
import Testing
import WritAPI
import WritCore
import WritCrypto
import WritTestSupport

@Suite("T3 board approvals", .timeLimit(.minutes(3)))
struct BoardApprovalTests {
    /// The approval link tokens mailed to each recipient, waiting for the mailer.
    static func links(in directory: URL, count: Int) async throws -> [String: String] {
        var tokens: [String: String] = [:]
        for text in try await TestApp.mailFiles(in: directory, count: count, kind: "board.approval_link") {
            let recipient = text.components(separatedBy: "\r\n").first { $0.hasPrefix("To: ") }?.dropFirst(4)
            let token = text.components(separatedBy: "/approve#").last?.prefix { !$0.isWhitespace }
            if let recipient, let token { tokens[String(recipient)] = String(token) }
        }
        return tokens
    }

    @Test("board members get personal links by mail; viewing changes nothing; a quorum approves; links are single-use; a veto rejects")
    func boardQuorum() async throws {
        let mail = TestApp.mailDirectory()
        try await TestApp.withServer(configure: { $0.mailDirectory = mail.path }) { api, database in
            let signup = try await api.signup()
            let setup = try await api.agentWithKey(as: signup.credential)
            var board: [ApprovalFlowTests.Person] = []
            for _ in 0..<3 { board.append(try await ApprovalFlowTests.person(api, admin: signup.credential, roles: #"["board"]"#)) }
            let intent = try await api.call(
                .post, "/v1/intents", as: .key(setup.key),
                json: #"{"action":"k8s.deployment.scale","resource":"prod/web","params":{"replicas":80},"justification":"launch day"}"#)
            #expect(try intent.decoded(IntentBody.self).tier == "T3")
            let id = try intent.decoded(IntentBody.self).id
            let tokens = Array(try await Self.links(in: mail, count: 3).values)
            #expect(tokens.count == 3)

            // A person's decision route does not decide T3.
            #expect(
                try await api.call(.post, "/v1/intents/\(id)/decisions", as: board[0].credential, json: #"{"decision":"approve"}"#).status
                    == .forbidden)
            for _ in 0..<3 {
                let view = try await api.call(.post, "/v1/approval-links/view", json: #"{"token":"\#(tokens[0])"}"#)
                #expect(view.status == .ok)
                #expect(try view.decoded(ApprovalLinkBody.self).intent.justification == "launch day")
                #expect(try view.decoded(ApprovalLinkBody.self).intent.quorum == 2)
            }
            let first = try await api.call(.post, "/v1/approval-links/decide", json: #"{"token":"\#(tokens[0])","decision":"approve"}"#)
            #expect(try first.decoded(ApprovalLinkDecisionBody.self).status == "pending_approval")
            let reused = try await api.call(.post, "/v1/approval-links/decide", json: #"{"token":"\#(tokens[0])","decision":"approve"}"#)
            #expect(reused.status == .notFound)
            #expect(try reused.decoded(ProblemBody.self).type.hasSuffix("approval-link-used"))
            let second = try await api.call(
                .post, "/v1/approval-links/decide", json: #"{"token":"\#(tokens[1])","decision":"approve","comment":"ok"}"#)
            #expect(try second.decoded(ApprovalLinkDecisionBody.self).status == "approved")
            let state = try await api.call(.get, "/v1/intents/\(id)", as: .key(setup.key))
            let token = try #require(try state.decoded(IntentBody.self).warrant)
            let parts = try #require(JWS.Parts(compact: token))
            let claims = try #require(WarrantClaims(json: try JSONParser.parse(parts.payload)))
            #expect(claims.tier == .t3)
            #expect(claims.approvals.count == 2)
            let executor = try await api.call(
                .post, "/v1/api-keys", as: signup.credential,
                json: #"{"name":"exec","scopes":["warrants"],"audiences":["k8s","crm","payments","db","s3"]}"#)
            #expect(
                try await api.call(.post, "/v1/warrants/\(claims.jti)/redeem", as: .key(executor.decoded(CreatedKeyBody.self).key)).status
                    == .ok)
            #expect(
                try await api.call(.post, "/v1/approval-links/decide", json: #"{"token":"\#(tokens[2])","decision":"approve"}"#).status
                    == .conflict)
            let forged = try await api.call(.post, "/v1/approval-links/view", json: #"{"token":"wsb_forged"}"#)
            #expect(forged.status == .notFound)
            #expect(try forged.decoded(ProblemBody.self).type.hasSuffix("approval-link-invalid"))

            try FileManager.default.removeItem(at: mail)
            let vetoed = try await api.call(
                .post, "/v1/intents", as: .key(setup.key), json: #"{"action":"db.drop","resource":"prod/users"}"#)
            let vetoTokens = Array(try await Self.links(in: mail, count: 3).values)
            let veto = try await api.call(
                .post, "/v1/approval-links/decide", json: #"{"token":"\#(vetoTokens[0])","decision":"reject","comment":"no"}"#)
            #expect(try veto.decoded(ApprovalLinkDecisionBody.self).status == "rejected")
            #expect(
                try await api.call(.get, "/v1/intents/\(vetoed.decoded(IntentBody.self).id)", as: .key(setup.key)).decoded(IntentBody.self)
                    .status
                    == "rejected")
        }
        try? FileManager.default.removeItem(at: mail)
    }
}
