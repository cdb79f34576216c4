import Foundation
import Testing
import WritAPI
import WritCore
import WritTestSupport

/// One rule for `null` in request bodies (README, "Requests and errors"): a member whose value is
/// `null` counts as absent — an optional field takes its default, a required one is reported
/// missing — except that in a PATCH, `null` clears a field that may be empty.
@Suite("null in request bodies", .timeLimit(.minutes(3)))
struct NullMembersTests {
    @Test("null is absent: required members are missing, optional ones default, PATCH null clears")
    func nullIsAbsent() async throws {
        try await TestApp.withLiveServer { client in
            let api = APIClient(client: client)
            let admin = try await api.signup()
            let missing = try await api.call(.post, "/v1/teams", as: admin.credential, json: #"{"name":null}"#)
            #expect(missing.status == .unprocessableContent)
            #expect(try missing.errorPaths == ["/name"])
            let setup = try await api.agentWithKey(as: admin.credential)
            let intent = try await api.call(
                .post, "/v1/intents", as: .key(setup.key),
                json: #"{"action":"s3.objects.read","resource":"b/1","params":null,"target":null,"justification":null}"#)
            #expect(intent.status == .created, "\(intent.body)")
            #expect(try intent.decoded(IntentBody.self).params.isEmpty)
            let members = try intent.decoded(JSONValue.self)
            #expect(members["target"] == .null && members["justification"] == .null)
            let agent = try await api.call(
                .post, "/v1/agents", as: admin.credential,
                json: #"{"name":"owned","team_id":"\#(setup.team)","owner_id":"\#(admin.user)","labels":null}"#)
            #expect(try agent.decoded(AgentBody.self).ownerID == admin.user)
            let cleared = try await api.call(
                .patch, "/v1/agents/\(try agent.decoded(AgentBody.self).id)", as: admin.credential, json: #"{"owner_id":null}"#)
            #expect(cleared.status == .ok)
            #expect(try cleared.decoded(JSONValue.self)["owner_id"] == .null)
            // An optional member left out of a PATCH (here: as null) changes nothing.
            let unchanged = try await api.call(
                .patch, "/v1/agents/\(try agent.decoded(AgentBody.self).id)", as: admin.credential, json: #"{"name":null}"#)
            #expect(try unchanged.decoded(AgentBody.self).name == "owned")
            // A required `since` sent as null once passed the presence check and trapped the server.
            let backtest = try await api.call(
                .post, "/v1/policies/backtest", as: admin.credential,
                json: #"{"team_id":"\#(setup.team)","policy":{"rules":[]},"since":null}"#)
            #expect(try backtest.status == .unprocessableContent && backtest.errorPaths == ["/since"], "\(backtest.body)")
        }
    }
}
