import Foundation
import Testing
import WritTestSupport

@Suite("Sign-up and sessions", .timeLimit(.minutes(3)))
struct SignupAndSessionTests {
    @Test("sign-up creates the tenant, its admin and a session with a strict cookie")
    func signup() async throws {
        try await TestApp.withLiveServer { client in
            let api = APIClient(client: client)
            let result = try await api.signup(email: "Ada@Example.com")
            #expect(result.response.status == .created)
            let session = try result.response.decoded(SessionBody.self)
            #expect(session.tenant.plan == "free")
            #expect(session.user.roles == ["admin"])
            let cookie = result.response.headers[.setCookie] ?? ""
            #expect(cookie.hasPrefix("writ_session=wss_"))
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Strict"))
            #expect(!cookie.contains("Secure"))
            #expect(result.credential.csrf?.isEmpty == false)
            let me = try await api.call(.get, "/v1/me", as: result.credential)
            #expect(me.status == .ok)
            #expect(try me.decoded(MeBody.self).kind == "user")
            #expect(try me.decoded(MeBody.self).tenant.id == result.tenant)
            // The address has a login: another organisation needs that login's password, and is
            // then added to the same login.
            let again = try await api.call(
                .post, "/v1/signup", json: #"{"organization":"Other","email":"ada@EXAMPLE.com","password":"another long password"}"#)
            #expect(again.status == .unauthorized)
        }
    }

    @Test("bad sign-up bodies get problems and create nothing")
    func badSignups() async throws {
        try await TestApp.withLiveServer { client in
            let api = APIClient(client: client)
            let short = try await api.call(.post, "/v1/signup", json: #"{"organization":"A","email":"a@example.com","password":"short"}"#)
            #expect(short.status == .unprocessableContent)
            #expect(try short.errorPaths == ["/password"])
            let unknown = try await api.call(
                .post, "/v1/signup",
                json: #"{"organization":"A","email":"a@example.com","password":"long enough password","plan":"enterprise"}"#)
            #expect(unknown.status == .unprocessableContent)
            #expect(try unknown.errorPaths == ["/plan"])
            let types = try await api.call(.post, "/v1/signup", json: #"{"organization":42,"email":["x"],"password":null}"#)
            #expect(types.status == .unprocessableContent)
            #expect(Set(try types.errorPaths) == ["/organization", "/email", "/password"])
            let malformed = try await api.call(.post, "/v1/signup", json: #"{"organization":"A","#)
            #expect(malformed.status == .badRequest)
            #expect(malformed.headers[.contentType] == "application/problem+json")
            let array = try await api.call(.post, "/v1/signup", json: "[1,2]")
            #expect(array.status == .unprocessableContent)
            let huge = try await api.call(
                .post, "/v1/signup", json: #"{"organization":""# + String(repeating: "x", count: 300_000) + #""}"#)
            #expect(huge.status == .contentTooLarge)
            let hostile = try await api.call(
                .post, "/v1/signup", json: #"{"organization":"\u0000evil","email":"a@example.com","password":"long enough password"}"#)
            #expect(hostile.status == .unprocessableContent)
            let login = try await api.call(.post, "/v1/sessions", json: #"{"email":"a@example.com","password":"long enough password"}"#)
            #expect(login.status == .unauthorized)
        }
    }

    @Test("login answers the same for an unknown email as for a wrong password, then throttles")
    func loginAndThrottle() async throws {
        try await TestApp.withLiveServer { client in
            let api = APIClient(client: client)
            _ = try await api.signup(email: "grace@example.com", password: "correct horse battery")
            let wrong = try await api.call(.post, "/v1/sessions", json: #"{"email":"grace@example.com","password":"wrong password!!"}"#)
            let unknown = try await api.call(.post, "/v1/sessions", json: #"{"email":"nobody@example.com","password":"wrong password!!"}"#)
            #expect(wrong.status == .unauthorized)
            #expect(unknown.status == .unauthorized)
            #expect(wrong.body == unknown.body)
            let ok = try await api.call(.post, "/v1/sessions", json: #"{"email":"GRACE@example.com","password":"correct horse battery"}"#)
            #expect(ok.status == .created)
            #expect(throws: Never.self) { try ok.decoded(CSRFTokenBody.self) }
            // Failures earn waits of 2 s, 4 s, 8 s …; keep failing until a wait of 4 s or more holds, so
            // the right password meets it even on a machine where one request takes seconds.
            var wait = 0
            for _ in 0..<10 where wait < 4 {
                let refused = try await api.call(
                    .post, "/v1/sessions", json: #"{"email":"grace@example.com","password":"wrong password!!"}"#)
                if refused.status == .tooManyRequests {
                    wait = Int(refused.headers[.retryAfter] ?? "") ?? 0
                    if wait < 4 { try await Task.sleep(for: .seconds(wait)) }
                }
            }
            let throttled = try await api.call(
                .post, "/v1/sessions", json: #"{"email":"grace@example.com","password":"correct horse battery"}"#)
            #expect(throttled.status == .tooManyRequests)
            #expect(Int(throttled.headers[.retryAfter] ?? "") ?? 0 > 0)
        }
    }

    @Test("cookie writes need the CSRF token; logout and password change end sessions")
    func csrfLogoutAndPasswordChange() async throws {
        try await TestApp.withLiveServer { client in
            let api = APIClient(client: client)
            let admin = try await api.signup(email: "linus@example.com").credential
            let noToken = try await api.call(.post, "/v1/teams", as: admin, json: #"{"name":"ops"}"#, csrf: false)
            #expect(noToken.status == .forbidden)
            var forged = admin
            forged.csrf = "not-the-token"
            #expect(try await api.call(.post, "/v1/teams", as: forged, json: #"{"name":"ops"}"#).status == .forbidden)
            #expect(try await api.call(.post, "/v1/teams", as: admin, json: #"{"name":"ops"}"#).status == .created)
            let second = try Credential.session(
                from: try await api.call(
                    .post, "/v1/sessions", json: #"{"email":"linus@example.com","password":"correct horse battery"}"#))
            let changed = try await api.call(
                .post, "/v1/me/password", as: admin,
                json: #"{"current_password":"correct horse battery","new_password":"an even better passphrase"}"#)
            #expect(changed.status == .ok)
            #expect(try await api.call(.get, "/v1/me", as: admin).status == .unauthorized)
            #expect(try await api.call(.get, "/v1/me", as: second).status == .unauthorized)
            let fresh = try Credential.session(from: changed)
            #expect(try await api.call(.get, "/v1/me", as: fresh).status == .ok)
            #expect(try await api.call(.delete, "/v1/sessions/current", as: fresh).status == .noContent)
            #expect(try await api.call(.get, "/v1/me", as: fresh).status == .unauthorized)
            let relogin = try await api.call(
                .post, "/v1/sessions", json: #"{"email":"linus@example.com","password":"an even better passphrase"}"#)
            #expect(relogin.status == .created)
        }
    }
}
