import Foundation
import Hummingbird
import WritCore
import WritStore

/// Sign-up, sign-in, sign-out, who-am-I, password change and invitation acceptance.
struct AccountController {
    let identity: IdentityStore
    let throttle: AuthThrottle
    let secureCookies: Bool

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("/v1/signup", use: signup)
        router.post("/v1/sessions", use: login)
        router.delete("/v1/sessions/current", use: logout)
        router.get("/v1/me", use: me)
        router.post("/v1/me/password", use: changePassword)
        router.post("/v1/invitations/accept", use: acceptInvitation)
    }

    @Sendable func signup(_ request: Request, context: AppRequestContext) async throws -> Response {
        var body = try await JSONRequest.read(request, context: context)
        let organization = body.string("organization")
        let email = body.email("email")
        let password = body.newPassword("password")
        try body.finish()
        let result = try await identity.signup(
            organization: organization!, email: email!, passwordHash: try await PasswordHashing.hash(password!))
        return sessionResponse(
            ["tenant": IdentityJSON.tenant(result.tenant), "user": IdentityJSON.member(result.member),
             "csrf_token": .string(result.session.csrfToken)],
            session: result.session, status: .created)
    }

    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        var body = try await JSONRequest.read(request, context: context)
        let emailText = body.string("email", maxLength: 254)
        let password = body.secret("password")
        let code = body.string("totp", required: false, maxLength: 32)
        try body.finish()
        let email = EmailAddress(emailText!)
        let account = "login-account:\(email?.normalized ?? emailText!.lowercased())"
        let address = "login-address:\(context.remoteAddress ?? "unknown")"
        let accountWait = try await throttle.retryAfter(account)
        let addressWait = try await throttle.retryAfter(address, limit: 20)
        if let wait = accountWait ?? addressWait {
            throw Problem(status: .tooManyRequests, type: "login-throttled", title: "Too many failed sign-ins",
                          detail: "Too many failed sign-ins; try again later.", retryAfter: wait)
        }
        var candidate: LoginCandidate?
        if let email { candidate = try await identity.loginCandidate(email: email) }
        guard try await PasswordHashing.verify(password!, phc: candidate?.passwordHash), let candidate else {
            try await throttle.recordFailure(account)
            try await throttle.recordFailure(address)
            throw Problem(status: .unauthorized, type: "invalid-credentials", title: "Invalid credentials",
                          detail: "The email or the password is wrong.")
        }
        if candidate.totpEnabled {
            guard let code else {
                throw Problem(status: .unauthorized, type: "totp-required", title: "TOTP code required",
                              detail: "This account has two-factor authentication: send `totp` with a current code or a recovery code.")
            }
            try await SecondFactor.verify(code, tenant: candidate.tenantID, user: candidate.userID, identity: identity, throttle: throttle)
        }
        try await throttle.reset(account)
        let session = try await identity.login(candidate)
        let (tenant, _) = try await identity.tenant(candidate.tenantID)
        let member = try await identity.member(tenant: candidate.tenantID, id: candidate.userID)
        return sessionResponse(
            ["tenant": IdentityJSON.tenant(tenant), "user": IdentityJSON.member(member), "csrf_token": .string(session.csrfToken)],
            session: session, status: .created)
    }

    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser(for: request)
        try await identity.endSession(user)
        var response = Response(status: .noContent)
        response.setCookie(Cookie(name: AuthenticationMiddleware.sessionCookie, value: "", maxAge: 0, path: "/",
                                  secure: secureCookies, httpOnly: true, sameSite: .strict))
        return response
    }

    @Sendable func me(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal(for: request)
        let (tenant, _) = try await identity.tenant(principal.tenantID)
        switch principal {
        case .user(let user):
            let member = try await identity.member(tenant: user.tenantID, id: user.userID)
            return JSONBody.response(["kind": "user", "user": IdentityJSON.member(member), "tenant": IdentityJSON.tenant(tenant)])
        case .apiKey(let key):
            let stored = try await identity.apiKey(tenant: key.tenantID, id: key.keyID)
            var agent: Agent?
            if let agentID = key.agentID { agent = try await identity.agent(tenant: key.tenantID, id: agentID) }
            return JSONBody.response([
                "kind": "api_key", "key": IdentityJSON.apiKey(stored), "agent": agent.map(IdentityJSON.agent) ?? .null,
                "tenant": IdentityJSON.tenant(tenant),
            ])
        }
    }

    @Sendable func changePassword(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser(for: request)
        var body = try await JSONRequest.read(request, context: context)
        let current = body.secret("current_password")
        let new = body.newPassword("new_password")
        try body.finish()
        guard try await PasswordHashing.verify(current!, phc: try await identity.passwordHash(of: user)) else {
            throw Problem(status: .unauthorized, type: "invalid-credentials", title: "Invalid credentials",
                          detail: "The current password is wrong.")
        }
        let session = try await identity.changePassword(user, newHash: try await PasswordHashing.hash(new!))
        return sessionResponse(["csrf_token": .string(session.csrfToken)], session: session, status: .ok)
    }

    @Sendable func acceptInvitation(_ request: Request, context: AppRequestContext) async throws -> Response {
        var body = try await JSONRequest.read(request, context: context)
        let token = body.secret("token")
        let password = body.newPassword("password")
        try body.finish()
        guard let (member, session) = try await identity.acceptInvitation(
            token: token!, passwordHash: try await PasswordHashing.hash(password!))
        else {
            throw Problem(status: .notFound, type: "invitation-invalid", title: "Invitation not valid",
                          detail: "The invitation link is unknown, already used or expired.")
        }
        let (tenant, _) = try await identity.tenant(member.tenantID)
        return sessionResponse(
            ["tenant": IdentityJSON.tenant(tenant), "user": IdentityJSON.member(member), "csrf_token": .string(session.csrfToken)],
            session: session, status: .created)
    }

    private func sessionResponse(_ body: JSONValue, session: NewSession, status: HTTPResponse.Status) -> Response {
        var response = JSONBody.response(body, status: status)
        response.setCookie(Cookie(
            name: AuthenticationMiddleware.sessionCookie, value: session.token, expires: session.expiresAt, path: "/",
            secure: secureCookies, httpOnly: true, sameSite: .strict))
        response.headers[.cacheControl] = "no-store"
        return response
    }
}
