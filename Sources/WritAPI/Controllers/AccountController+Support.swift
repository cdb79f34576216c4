import Foundation
import Hummingbird
import WritCore
import WritStore

extension AccountController {
    /// The throttle subjects of a password check: the account from this address (growing delays),
    /// the account from anywhere (capped delays, never a lock-out), and the address.
    static func loginSubjects(account: String, source: String) -> [(ThrottleRule, String)] {
        [(.loginPair, "\(account)|\(source)"), (.loginAccount, account), (.loginSource, source)]
    }

    /// Reserves one attempt on every subject or answers 429 with `Retry-After`.
    func reserve(_ subjects: [(ThrottleRule, String)]) async throws {
        if let wait = try await throttle.reserve(subjects) {
            throw Problem(
                status: .tooManyRequests, type: "throttled", title: "Too many attempts",
                detail: "Too many attempts from here; try again later.", retryAfter: wait)
        }
    }

    /// The login a new membership goes to: the address's login when `password` is its password,
    /// a new login when the address has none; `refusal` when it has one and the password is wrong.
    /// Checking an existing login's password counts as a sign-in attempt, so sign-up and invitations
    /// are no way around the sign-in throttle.
    func chooseAccount(email: EmailAddress, password: String, source: String, refusal: Problem) async throws -> AccountChoice {
        guard let account = try await identity.account(email: email) else {
            return .new(passwordHash: try await passwords.hash(password))
        }
        let subjects = Self.loginSubjects(account: email.normalized, source: source)
        try await reserve(subjects)
        guard try await passwords.verify(password, phc: account.passwordHash) else {
            try await throttle.failed(subjects)
            throw refusal
        }
        try await throttle.succeeded(subjects)
        return .existing(account.id)
    }

    /// One organisation of a login, as sign-in and `/v1/me` list them.
    static func organization(_ membership: Membership) -> JSONValue {
        ["id": IdentityJSON.id(membership.tenantID), "name": .string(membership.tenantName)]
    }

    func sessionResponse(_ body: JSONValue, session: NewSession, status: HTTPResponse.Status) -> Response {
        var response = JSONBody.response(body, status: status)
        response.setCookie(
            Cookie(
                name: AuthenticationMiddleware.sessionCookie, value: session.token, expires: session.expiresAt, path: "/",
                secure: secureCookies, httpOnly: true, sameSite: .strict))
        response.headers[.cacheControl] = "no-store"
        return response
    }

    static let invalidCredentials = Problem(
        status: .unauthorized, type: "invalid-credentials", title: "Invalid credentials", detail: "The email or the password is wrong.")

    /// The address already has a login and the password given is not its password.
    static let existingLogin = Problem(
        status: .unauthorized, type: "invalid-credentials", title: "Invalid credentials",
        detail: "Use the password of your Writ login for this email address; the organisation is added to that login.")

    static let invalidInvitation = Problem(
        status: .notFound, type: "invitation-invalid", title: "Invitation not valid",
        detail: "The invitation link is unknown, already used or expired.")
}

extension AppRequestContext {
    /// The client address as throttling keys it.
    var source: String { remoteAddress ?? "unknown" }
}
