import Hummingbird
import Logging
import NIOCore
import WritCore

/// The request context every Writ route receives: the authenticated principal, if any.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Who the credential on the request belongs to, set by the authentication middleware.
    public var principal: Principal?
    /// Whether the principal came from the session cookie (so writes need the CSRF token).
    var viaCookie = false
    /// Whether the request carried the session's CSRF token.
    var csrfVerified = false
    /// Why a presented credential was refused; thrown by ``requirePrincipal(for:)``.
    var credentialProblem: Problem?
    /// The client's address, for throttling: the peer's, or the one a trusted proxy forwarded.
    public internal(set) var remoteAddress: String?
    /// The client's connection, so long work can stop once the client has gone.
    let channel: any Channel

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress?.ipAddress.map { ClientAddress.key($0) ?? $0 }
        self.channel = source.channel
    }

    /// Whether the client is still connected; long work checks it between steps.
    var clientIsConnected: Bool { channel.isActive }

    /// The principal, or a 401 problem; cookie-authenticated writes also need the CSRF token (403).
    func requirePrincipal(for request: Request) throws -> Principal {
        if let credentialProblem { throw credentialProblem }
        guard let principal else {
            throw Problem(
                status: .unauthorized, type: "unauthenticated", title: "Authentication required",
                detail: "Send an API key as `Authorization: Bearer writ_…` or sign in.")
        }
        if viaCookie, ![.get, .head, .options].contains(request.method), !csrfVerified {
            throw Problem(
                status: .forbidden, type: "csrf", title: "CSRF token required",
                detail: "Cookie-authenticated writes must send the X-CSRF-Token header returned at sign-in.")
        }
        return principal
    }

    /// The principal if it may manage the tenant, else 403.
    func requireAdmin(for request: Request) throws -> Principal {
        let principal = try requirePrincipal(for: request)
        guard principal.isAdmin else { throw Problem.forbidden("Only admins (or keys with the admin scope) may do this.") }
        return principal
    }

    /// The principal if it may read the tenant's management data, else 403.
    func requireReader(for request: Request) throws -> Principal {
        let principal = try requirePrincipal(for: request)
        guard principal.canRead else { throw Problem.forbidden("This key's scopes do not allow reading the tenant's settings.") }
        return principal
    }

    /// The signed-in person, or 403 for API keys (routes about one's own account).
    func requireUser(for request: Request) throws -> UserPrincipal {
        guard case .user(let user) = try requirePrincipal(for: request) else {
            throw Problem.forbidden("This route is for people signed in to the console, not API keys.")
        }
        return user
    }
}

extension Problem {
    /// The caller is known but may not do this.
    static func forbidden(_ detail: String) -> Problem {
        Problem(status: .forbidden, type: "forbidden", title: "Forbidden", detail: detail)
    }
}
