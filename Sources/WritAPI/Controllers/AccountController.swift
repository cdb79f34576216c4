import Foundation
import Hummingbird
import WritCore
import WritStore

/// Sign-up, sign-in, sign-out, who-am-I, password change and invitation acceptance.
///
/// Every route that checks a password or a token reserves a throttle attempt first (per account
/// and client address, growing delays), and Argon2 runs on the bounded CPU lane.
struct AccountController {
    let identity: IdentityStore
    let throttle: AuthThrottle
    let passwords: PasswordHashing
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
        let organization = body.name("organization")
        let email = body.email("email")
        let password = body.newPassword("password")
        let valid = try body.finish()
        try await reserve([(.signupSource, context.source)])
        let login = try await chooseAccount(
            email: valid[email], password: valid[password], source: context.source,
            refusal: Self.existingLogin)
        let result: SignupResult
        do {
            result = try await identity.signup(organization: valid[organization], email: valid[email], account: login)
        } catch let error as StoreError where error.kind == .loginTaken {
            throw Self.existingLogin  // the address got a login concurrently
        }
        return sessionResponse(
            [
                "tenant": IdentityJSON.tenant(result.tenant), "user": IdentityJSON.member(result.member),
                "csrf_token": .string(result.session.csrfToken),
            ],
            session: result.session, status: .created)
    }

    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        var body = try await JSONRequest.read(request, context: context)
        let emailText = body.string("email", maxLength: 254)
        let password = body.secret("password")
        let code = body.string(optional: "totp", maxLength: 32)
        let chosen = body.uuid(optional: "tenant_id")
        let valid = try body.finish()
        let text = try valid[emailText]
        let email = EmailAddress(text)
        let subjects = Self.loginSubjects(account: email?.normalized ?? text.lowercased(), source: context.source)
        try await reserve(subjects)
        var account: Account?
        if let email { account = try await identity.account(email: email) }
        var memberships: [Membership] = []
        if try await passwords.verify(valid[password], phc: account?.passwordHash), let account {
            memberships = try await identity.memberships(account: account.id)
        }
        guard !memberships.isEmpty else {
            try await throttle.failed(subjects)
            throw Self.invalidCredentials
        }
        try await throttle.succeeded(subjects)
        let membership: Membership
        if let chosen {
            guard let found = memberships.first(where: { $0.tenantID == chosen }) else {
                throw Problem.invalid(
                    "This login is not a member of that organisation.",
                    errors: [.init(path: "/tenant_id", message: "is not an organisation of this login")])
            }
            membership = found
        } else if memberships.count == 1 {
            membership = memberships[0]
        } else {
            // Several organisations: the caller signs in again naming one; nothing is opened yet.
            return JSONBody.response(["choose_organization": .array(memberships.map(Self.organization))])
        }
        if membership.totpEnabled {
            guard let code else {
                throw Problem(
                    status: .unauthorized, type: "totp-required", title: "TOTP code required",
                    detail: "This account has two-factor authentication: send `totp` with a current code or a recovery code.")
            }
            try await SecondFactor.verify(
                code, tenant: membership.tenantID, user: membership.userID, identity: identity, throttle: throttle)
        }
        let session = try await identity.login(membership)
        let (tenant, _) = try await identity.tenant(membership.tenantID)
        let member = try await identity.member(tenant: membership.tenantID, id: membership.userID)
        return sessionResponse(
            [
                "tenant": IdentityJSON.tenant(tenant), "user": IdentityJSON.member(member), "csrf_token": .string(session.csrfToken),
                "organizations": .array(memberships.map(Self.organization)),
            ],
            session: session, status: .created)
    }

    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser(for: request)
        try await identity.endSession(user)
        var response = Response(status: .noContent)
        response.setCookie(
            Cookie(
                name: AuthenticationMiddleware.sessionCookie, value: "", maxAge: 0, path: "/",
                secure: secureCookies, httpOnly: true, sameSite: .strict))
        return response
    }

    @Sendable func me(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal(for: request)
        let (tenant, _) = try await identity.tenant(principal.tenantID)
        switch principal {
        case .user(let user):
            let member = try await identity.member(tenant: user.tenantID, id: user.userID)
            let memberships = try await identity.memberships(account: try await identity.account(of: user).id)
            return JSONBody.response([
                "kind": "user", "user": IdentityJSON.member(member), "tenant": IdentityJSON.tenant(tenant),
                "organizations": .array(memberships.map(Self.organization)),
            ])
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
        let valid = try body.finish()
        let account = try await identity.account(of: user)
        let subjects = Self.loginSubjects(account: account.email.lowercased(), source: context.source)
        try await reserve(subjects)
        guard try await passwords.verify(valid[current], phc: account.passwordHash) else {
            try await throttle.failed(subjects)
            throw Problem(
                status: .unauthorized, type: "invalid-credentials", title: "Invalid credentials",
                detail: "The current password is wrong.")
        }
        try await throttle.succeeded(subjects)
        let session = try await identity.changePassword(user, account: account.id, newHash: try await passwords.hash(valid[new]))
        return sessionResponse(["csrf_token": .string(session.csrfToken)], session: session, status: .ok)
    }

    @Sendable func acceptInvitation(_ request: Request, context: AppRequestContext) async throws -> Response {
        var body = try await JSONRequest.read(request, context: context)
        let token = body.secret("token")
        let password = body.newPassword("password")
        let valid = try body.finish()
        let subjects = [(ThrottleRule.tokenSource, context.source)]
        try await reserve(subjects)
        // The token is looked up before any password is hashed: a wrong token costs no Argon2.
        guard let invitation = try await identity.invitation(token: valid[token]) else {
            try await throttle.failed(subjects)
            throw Self.invalidInvitation
        }
        try await throttle.succeeded(subjects)
        let login = try await chooseAccount(
            email: invitation.email, password: valid[password], source: context.source,
            refusal: Self.existingLogin)
        guard let (member, session) = try await identity.acceptInvitation(invitation, account: login) else {
            throw Self.invalidInvitation
        }
        let (tenant, _) = try await identity.tenant(member.tenantID)
        return sessionResponse(
            ["tenant": IdentityJSON.tenant(tenant), "user": IdentityJSON.member(member), "csrf_token": .string(session.csrfToken)],
            session: session, status: .created)
    }
}
