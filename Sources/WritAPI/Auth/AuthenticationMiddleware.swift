import Foundation
import HTTPTypes
import Hummingbird
import WritCore
import WritStore

/// Identifies the caller from `Authorization: Bearer writ_…` or the `writ_session` cookie (on
/// Vienna OS's routes also `Authorization: Bearer wss_…`, a session token).
///
/// A presented API key that is malformed, unknown, revoked, expired or whose agent is disabled is
/// refused with 401 by every route that needs a principal (public routes ignore it). A stale session cookie is ignored (the route then asks for sign-in).
/// API keys are rate limited per key (429 with Retry-After).
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    static let sessionCookie = "writ_session"

    let identity: IdentityStore
    let keyCache: APIKeyCache
    let rateLimiter: RateLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        // The metrics scraper's bearer token is not an API key; its route checks it.
        if request.uri.path == "/metrics" { return try await next(request, context) }
        if let authorization = request.headers[.authorization], request.uri.path.hasPrefix(ViennaRoutes.prefix),
            let token = Self.sessionBearer(authorization)
        {
            // Vienna OS's SDKs send one bearer token: a person approving through them sends their
            // session's (never ambient, so no CSRF token is needed). Only on `/api/v1/…`.
            guard let session = try await identity.authenticateSession(token: token) else {
                context.credentialProblem = Self.unauthorized("The session is unknown, signed out or expired.")
                return try await next(request, context)
            }
            context.principal = .user(session.principal)
        } else if let authorization = request.headers[.authorization] {
            do {
                context.principal = .apiKey(try await authenticateKey(authorization))
            } catch let problem as Problem where problem.status == 401 {
                // Refused only where a principal is needed: public routes answer as without one.
                context.credentialProblem = problem
            }
        } else if let token = request.cookies[Self.sessionCookie]?.value,
            let session = try await identity.authenticateSession(token: token)
        {
            context.principal = .user(session.principal)
            context.viaCookie = true
            context.csrfVerified = request.headers[.csrfToken].map { identity.isValidCSRF($0, csrfHash: session.csrfHash) } ?? false
        }
        return try await next(request, context)
    }

    private func authenticateKey(_ authorization: String) async throws -> KeyPrincipal {
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", let token = APIKeyToken(parsing: String(parts[1])) else {
            throw Self.unauthorized("The Authorization header must be `Bearer writ_…` with a well-formed API key.")
        }
        guard let principal = try await keyCache.authenticate(token) else {
            throw Self.unauthorized("The API key is unknown, revoked or expired, or its agent is disabled.")
        }
        if let wait = rateLimiter.retryAfter(key: principal.keyID, rate: principal.requestsPerSecond, burst: principal.burst) {
            throw Problem(
                status: .tooManyRequests, type: "rate-limited", title: "Too many requests",
                detail: "This key may make \(principal.requestsPerSecond) requests per second (bursts of \(principal.burst)).",
                retryAfter: wait)
        }
        return principal
    }

    /// The session token of `Bearer wss_…`, if that is what the header holds.
    private static func sessionBearer(_ authorization: String) -> String? {
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", parts[1].hasPrefix("wss_"), parts[1].utf8.count <= 256 else {
            return nil
        }
        return String(parts[1])
    }

    private static func unauthorized(_ detail: String) -> Problem {
        Problem(status: .unauthorized, type: "invalid-credentials", title: "Invalid credentials", detail: detail)
    }
}

extension HTTPField.Name {
    /// The header carrying a session's CSRF token.
    static let csrfToken = HTTPField.Name("X-CSRF-Token")!
}
