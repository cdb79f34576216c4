import Foundation

/// An organisation using Writ.
public struct Tenant: Sendable, Equatable {
    public let id: UUID
    public let name: String
    /// The plan whose quotas apply.
    public let plan: String

    public init(id: UUID, name: String, plan: String) {
        self.id = id
        self.name = name
        self.plan = plan
    }
}

/// A plan's quotas.
public struct Plan: Sendable, Equatable {
    public let id: String
    public let maxActiveAgents: Int
    public let maxIntentsPerMonth: Int
    public let requestsPerSecond: Int
    public let burst: Int
    /// Days an audit event's body is kept before it is purged; `nil` keeps it forever.
    public let auditRetentionDays: Int?

    public init(
        id: String, maxActiveAgents: Int, maxIntentsPerMonth: Int, requestsPerSecond: Int, burst: Int, auditRetentionDays: Int? = nil
    ) {
        self.id = id
        self.maxActiveAgents = maxActiveAgents
        self.maxIntentsPerMonth = maxIntentsPerMonth
        self.requestsPerSecond = requestsPerSecond
        self.burst = burst
        self.auditRetentionDays = auditRetentionDays
    }
}

/// A person in a tenant.
public struct Member: Sendable, Equatable {
    /// Invited members have not set a password yet; removed ones keep their id for the record.
    public enum Status: String, Sendable { case invited, active, removed }

    public let id: UUID
    public let tenantID: UUID
    public let email: String
    public let roles: [Role]
    public let status: Status
    public let teams: [UUID]
    public let totpEnabled: Bool
    public let createdAt: Date

    public init(
        id: UUID, tenantID: UUID, email: String, roles: [Role], status: Status, teams: [UUID], totpEnabled: Bool,
        createdAt: Date
    ) {
        self.id = id
        self.tenantID = tenantID
        self.email = email
        self.roles = roles
        self.status = status
        self.teams = teams
        self.totpEnabled = totpEnabled
        self.createdAt = createdAt
    }
}

/// A group of members that owns agents and a policy.
public struct Team: Sendable, Equatable {
    public let id: UUID
    public let name: String
    public let createdAt: Date

    public init(id: UUID, name: String, createdAt: Date) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
    }
}

/// An AI agent that submits intents.
public struct Agent: Sendable, Equatable {
    public let id: UUID
    public let teamID: UUID
    public let name: String
    public let ownerID: UUID?
    public let labels: [String: String]
    public let disabled: Bool
    public let createdAt: Date
    /// The agent's last heartbeat (Vienna OS compatibility), if it ever sent one.
    public let lastSeenAt: Date?

    public init(
        id: UUID, teamID: UUID, name: String, ownerID: UUID?, labels: [String: String], disabled: Bool, createdAt: Date,
        lastSeenAt: Date? = nil
    ) {
        self.lastSeenAt = lastSeenAt
        self.id = id
        self.teamID = teamID
        self.name = name
        self.ownerID = ownerID
        self.labels = labels
        self.disabled = disabled
        self.createdAt = createdAt
    }
}

/// An API key's stored facts (never the key itself).
public struct APIKey: Sendable, Equatable {
    public let id: UUID
    public let name: String
    public let prefix: String
    public let agentID: UUID?
    public let scopes: [Scope]
    /// For executor keys: the warrant audiences (`aud`) it may redeem.
    public let audiences: [String]
    public let expiresAt: Date?
    public let revokedAt: Date?
    public let lastUsedAt: Date?
    public let createdAt: Date

    public init(
        id: UUID, name: String, prefix: String, agentID: UUID?, scopes: [Scope], audiences: [String] = [], expiresAt: Date?,
        revokedAt: Date?, lastUsedAt: Date?, createdAt: Date
    ) {
        self.audiences = audiences
        self.id = id
        self.name = name
        self.prefix = prefix
        self.agentID = agentID
        self.scopes = scopes
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.lastUsedAt = lastUsedAt
        self.createdAt = createdAt
    }
}
