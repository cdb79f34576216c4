import Foundation
import Testing
import WritCore
import WritTestSupport

@Suite("One login, several organisations; invitations reserve nothing", .timeLimit(.minutes(3)))
struct AccountsAcrossTenantsTests {
    @Test("a person signed up in one organisation joins another with the same login and picks one at sign-in")
    func oneLoginTwoOrganisations() async throws {
        try await TestApp.withLiveServer { client in
            let api = APIClient(client: client)
            let email = "both-\(UUID().uuidString.prefix(6))@example.com"
            let first = try await api.signup(email: email, password: "my only password")
            let other = try await api.signup()
            let invited = try await api.call(
                .post, "/v1/members", as: other.credential, json: #"{"email":"\#(email)","roles":["operator"]}"#)
            #expect(invited.status == .created)
            let token = try await api.invitationToken(for: email)
            let wrong = try await api.call(.post, "/v1/invitations/accept", json: #"{"token":"\#(token)","password":"not my password!"}"#)
            #expect(wrong.status == .unauthorized)
            let joined = try await api.call(.post, "/v1/invitations/accept", json: #"{"token":"\#(token)","password":"my only password"}"#)
            #expect(joined.status == .created)
            #expect(try joined.decoded(SessionBody.self).tenant.id == other.tenant)

            let choose = try await api.call(.post, "/v1/sessions", json: #"{"email":"\#(email)","password":"my only password"}"#)
            #expect(choose.status == .ok)
            #expect(choose.headers[.setCookie] == nil)
            let organizations = try choose.decoded(ChooseOrganizationBody.self).chooseOrganization.map(\.id)
            #expect(Set(organizations) == [first.tenant, other.tenant])
            let picked = try await api.call(
                .post, "/v1/sessions", json: #"{"email":"\#(email)","password":"my only password","tenant_id":"\#(other.tenant)"}"#)
            #expect(picked.status == .created)
            let me = try await api.call(.get, "/v1/me", as: Credential.session(from: picked)).decoded(MeBody.self)
            #expect(me.tenant.id == other.tenant)
            #expect(me.organizations?.count == 2)
            let elsewhere = try await api.call(
                .post, "/v1/sessions",
                json: """
                    {"email":"\(email)","password":"my only password","tenant_id":"\(UUID().uuidString.lowercased())"}
                    """)
            #expect(elsewhere.status == .unprocessableContent)

            // Signing up another organisation with the same address needs the same password.
            let third = try await api.call(
                .post, "/v1/signup", json: #"{"organization":"Third","email":"\#(email)","password":"my only password"}"#)
            #expect(third.status == .created)
            // One password change covers every organisation.
            let changed = try await api.call(
                .post, "/v1/me/password", as: Credential.session(from: picked),
                json: #"{"current_password":"my only password","new_password":"a new shared password"}"#)
            #expect(changed.status == .ok)
            #expect(try await api.call(.get, "/v1/me", as: first.credential).status == .unauthorized)
            let again = try await api.call(
                .post, "/v1/sessions",
                json: """
                    {"email":"\(email)","password":"a new shared password","tenant_id":"\(first.tenant)"}
                    """)
            #expect(again.status == .created)
        }
    }

    @Test("an invitation never accepted blocks nothing, and inviting an address used elsewhere looks like inviting a new one")
    func invitationsRevealAndReserveNothing() async throws {
        try await TestApp.withLiveServer { client in
            let api = APIClient(client: client)
            let inviter = try await api.signup()
            let pending = "pending-\(UUID().uuidString.prefix(6))@example.com"
            #expect(
                try await api.call(.post, "/v1/members", as: inviter.credential, json: #"{"email":"\#(pending)","roles":["auditor"]}"#)
                    .status == .created)
            let signup = try await api.call(
                .post, "/v1/signup", json: #"{"organization":"Own","email":"\#(pending)","password":"correct horse battery"}"#)
            #expect(signup.status == .created)

            let existing = "taken-\(UUID().uuidString.prefix(6))@example.com"
            _ = try await api.signup(email: existing)
            let fresh = "fresh-\(UUID().uuidString.prefix(6))@example.com"
            let toExisting = try await api.call(
                .post, "/v1/members", as: inviter.credential, json: #"{"email":"\#(existing)","roles":["auditor"]}"#)
            let toFresh = try await api.call(
                .post, "/v1/members", as: inviter.credential, json: #"{"email":"\#(fresh)","roles":["auditor"]}"#)
            #expect(toExisting.status == .created)
            #expect(toFresh.status == .created)
            let existingMembers = try #require(try toExisting.decoded(JSONValue.self).objectValue)
            let freshMembers = try #require(try toFresh.decoded(JSONValue.self).objectValue)
            #expect(Set(existingMembers.keys) == Set(freshMembers.keys))
            #expect(try toExisting.decoded(MemberBody.self).status == toFresh.decoded(MemberBody.self).status)
            // Within one organisation an address is still unique.
            #expect(
                try await api.call(.post, "/v1/members", as: inviter.credential, json: #"{"email":"\#(fresh)","roles":["auditor"]}"#).status
                    == .conflict)
        }
    }
}
