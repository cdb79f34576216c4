import Foundation
import HTTPTypes
import Testing
import WritCore
import WritCrypto
import WritTestSupport

@Suite("Members, invitations and roles", .timeLimit(.minutes(3)))
struct MembersTests {
    /// Invites `email` with `roles` and accepts the invitation; returns the new member's session.
    private func join(_ api: APIClient, admin: Credential, email: String, roles: String) async throws -> (Credential, String) {
        let (invited, accepted, token) = try await api.inviteAndAccept(as: admin, email: email, roles: roles)
        #expect(invited.status == .created)
        #expect(try invited.decoded(JSONValue.self)["invite_url"] == nil)
        #expect(accepted.status == .created)
        let again = try await api.call(.post, "/v1/invitations/accept", json: #"{"token":"\#(token)","password":"member password 123"}"#)
        #expect(again.status == .notFound)
        return (try Credential.session(from: accepted), try invited.decoded(MemberBody.self).id)
    }

    @Test("an invited member joins through a single-use link with the roles they were given")
    func inviteAndAccept() async throws {
        try await TestApp.withLiveServer { client in
            let api = APIClient(client: client)
            let admin = try await api.signup().credential
            let (member, id) = try await join(
                api, admin: admin, email: "op-\(UUID().uuidString.prefix(6))@example.com", roles: #"["operator"]"#)
            let me = try await api.call(.get, "/v1/me", as: member)
            #expect(try me.decoded(MeBody.self).user?.roles == ["operator"])
            #expect(try me.decoded(MeBody.self).user?.status == "active")
            // Operators read but do not manage.
            #expect(try await api.call(.get, "/v1/members", as: member).status == .ok)
            #expect(try await api.call(.post, "/v1/teams", as: member, json: #"{"name":"mine"}"#).status == .forbidden)
            // The admin changes roles, then removes the member, whose session ends.
            let promoted = try await api.call(.patch, "/v1/members/\(id)", as: admin, json: #"{"roles":["approver","operator"]}"#)
            #expect(try promoted.decoded(MemberBody.self).roles == ["operator", "approver"])
            #expect(try await api.call(.delete, "/v1/members/\(id)", as: admin).status == .noContent)
            #expect(try await api.call(.get, "/v1/me", as: member).status == .unauthorized)
            #expect(try await api.call(.get, "/v1/members/\(id)", as: admin).status == .notFound)
        }
    }

    @Test("auditors read and never write")
    func auditorsReadOnly() async throws {
        try await TestApp.withLiveServer { client in
            let api = APIClient(client: client)
            let admin = try await api.signup().credential
            let (auditor, _) = try await join(
                api, admin: admin, email: "audit-\(UUID().uuidString.prefix(6))@example.com", roles: #"["auditor"]"#)
            #expect(try await api.call(.get, "/v1/teams", as: auditor).status == .ok)
            #expect(try await api.call(.get, "/v1/api-keys", as: auditor).status == .ok)
            for (method, path, body) in [
                (HTTPRequestMethod.post, "/v1/teams", #"{"name":"x"}"#),
                (.post, "/v1/members", #"{"email":"x@example.com","roles":["admin"]}"#),
                (.post, "/v1/api-keys", #"{"name":"x","scopes":["admin"]}"#),
            ] {
                #expect(try await api.call(method, path, as: auditor, json: body).status == .forbidden)
            }
        }
    }

    @Test("the last admin can be neither demoted nor removed")
    func lastAdmin() async throws {
        try await TestApp.withLiveServer { client in
            let api = APIClient(client: client)
            let signup = try await api.signup()
            let demote = try await api.call(.patch, "/v1/members/\(signup.user)", as: signup.credential, json: #"{"roles":["operator"]}"#)
            #expect(demote.status == .conflict)
            #expect(try await api.call(.delete, "/v1/members/\(signup.user)", as: signup.credential).status == .conflict)
            let (_, second) = try await join(
                api, admin: signup.credential, email: "second-\(UUID().uuidString.prefix(6))@example.com", roles: #"["admin"]"#)
            #expect(
                try await api.call(.patch, "/v1/members/\(signup.user)", as: signup.credential, json: #"{"roles":["operator"]}"#).status
                    == .ok)
            #expect(try await api.call(.delete, "/v1/members/\(second)", as: signup.credential).status == .forbidden)
        }
    }

    @Test("bad invitations are refused")
    func badInvitations() async throws {
        try await TestApp.withLiveServer { client in
            let api = APIClient(client: client)
            let admin = try await api.signup(email: "taken@example.com").credential
            let dup = try await api.call(.post, "/v1/members", as: admin, json: #"{"email":"TAKEN@example.com","roles":["operator"]}"#)
            #expect(dup.status == .conflict)
            let badRole = try await api.call(.post, "/v1/members", as: admin, json: #"{"email":"x@example.com","roles":["king"]}"#)
            #expect(try badRole.errorPaths == ["/roles/0"])
            let badTeam = try await api.call(
                .post, "/v1/members", as: admin, json: #"{"email":"y@example.com","roles":["operator"],"teams":["\#(UUID().uuidString)"]}"#)
            #expect(badTeam.status == .unprocessableContent)
            let badEmail = try await api.call(.post, "/v1/members", as: admin, json: #"{"email":"not-an-email","roles":["operator"]}"#)
            #expect(try badEmail.errorPaths == ["/email"])
            let forgedToken = try await api.call(
                .post, "/v1/invitations/accept", json: #"{"token":"wsi_forged","password":"member password 123"}"#)
            #expect(forgedToken.status == .notFound)
        }
    }
}

typealias HTTPRequestMethod = HTTPTypes.HTTPRequest.Method
