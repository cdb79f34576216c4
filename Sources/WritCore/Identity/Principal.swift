import Foundation

/// Who is making a request, once their credential has been checked.
public enum Principal: Sendable, Equatable {
    /// A person with a console session.
    case user(UserPrincipal)
    /// Automation with an API key.
    case apiKey(KeyPrincipal)

    /// The tenant every action of this principal is confined to.
    public var tenantID: UUID {
        switch self {
        case .user(let user): user.tenantID
        case .apiKey(let key): key.tenantID
        }
    }

    /// Whether the principal may manage the tenant (admin role or `admin` scope).
    public var isAdmin: Bool {
        switch self {
        case .user(let user): user.roles.contains(.admin)
        case .apiKey(let key): key.scopes.contains(.admin)
        }
    }

    /// Whether the principal may read the tenant's management data (any member role, or admin scope).
    public var canRead: Bool {
        switch self {
        case .user: true
        case .apiKey(let key): key.scopes.contains(.admin)
        }
    }

    /// The person answerable for what this principal does: the signed-in user, or whoever created
    /// the API key (keys created by keys inherit their creator's person).
    public var responsibleUserID: UUID? {
        switch self {
        case .user(let user): user.userID
        case .apiKey(let key): key.createdBy
        }
    }

    /// The audit actor for this principal.
    public var actor: AuditEvent.Actor {
        switch self {
        case .user(let user): AuditEvent.Actor(kind: .user, id: user.userID.uuidString.lowercased())
        case .apiKey(let key): AuditEvent.Actor(kind: .apiKey, id: key.keyID.uuidString.lowercased())
        }
    }
}

/// A signed-in person.
public struct UserPrincipal: Sendable, Equatable {
    public let tenantID: UUID
    public let userID: UUID
    public let sessionID: UUID
    public let email: String
    public let roles: Set<Role>

    public init(tenantID: UUID, userID: UUID, sessionID: UUID, email: String, roles: Set<Role>) {
        self.tenantID = tenantID
        self.userID = userID
        self.sessionID = sessionID
        self.email = email
        self.roles = roles
    }
}

/// An authenticated API key.
public struct KeyPrincipal: Sendable, Equatable {
    public let tenantID: UUID
    public let keyID: UUID
    public let agentID: UUID?
    public let scopes: Set<Scope>
    public let expiresAt: Date?
    /// The tenant plan's request rate for this key.
    public let requestsPerSecond: Int
    public let burst: Int
    /// The person who created the key (or whose key created it); never an approver of its intents.
    public let createdBy: UUID?
    /// For executor keys: the warrant audiences (`aud`) it may redeem.
    public let audiences: Set<String>
    /// The key's agent as it was when the key was authenticated (caches drop it on any change of
    /// the agent), so a submission needs no read of its own; `nil` for keys without an agent.
    public let agent: Agent?
    /// The key's request-signing secret, sealed (opened only to check a signed request); `nil` for
    /// keys made before keys had one.
    public let signingSecretSealed: [UInt8]?

    public init(
        tenantID: UUID, keyID: UUID, agentID: UUID?, scopes: Set<Scope>, expiresAt: Date?, requestsPerSecond: Int, burst: Int,
        createdBy: UUID? = nil, audiences: Set<String> = [], agent: Agent? = nil, signingSecretSealed: [UInt8]? = nil
    ) {
        self.agent = agent
        self.signingSecretSealed = signingSecretSealed
        self.createdBy = createdBy
        self.audiences = audiences
        self.tenantID = tenantID
        self.keyID = keyID
        self.agentID = agentID
        self.scopes = scopes
        self.expiresAt = expiresAt
        self.requestsPerSecond = requestsPerSecond
        self.burst = burst
    }
}
