import Foundation
import Postgres
import WritCore

/// Changes to an agent; `nil` leaves a field as it is.
public struct AgentChanges: Sendable {
    public var name: String?
    public var teamID: UUID?
    /// `.some(nil)` clears the owner.
    public var ownerID: UUID??
    public var labels: [String: String]?
    public var disabled: Bool?

    public init(name: String? = nil, teamID: UUID? = nil, ownerID: UUID?? = nil, labels: [String: String]? = nil, disabled: Bool? = nil) {
        self.name = name
        self.teamID = teamID
        self.ownerID = ownerID
        self.labels = labels
        self.disabled = disabled
    }
}

extension IdentityStore {
    static let agentColumns: SQL =
        "id, team_id, name, owner_id, labels::text AS labels, disabled_at IS NOT NULL AS disabled, created_at, last_seen_at"

    /// Registers an agent; the plan's active-agent quota applies.
    public func createAgent(
        tenant: UUID, name: String, teamID: UUID, ownerID: UUID?, labels: [String: String], by principal: Principal
    ) async throws -> Agent {
        let id = UUIDv7.make()
        return try await database.withTenant(tenant) { tx in
            try await enforceAgentQuota(tenant: tenant, in: tx)
            try await verifyReferences(tenant: tenant, teamID: teamID, ownerID: ownerID, in: tx)
            try await tx.execute(
                """
                INSERT INTO agents (tenant_id, id, team_id, name, owner_id, labels)
                VALUES (\(tenant), \(id), \(teamID), \(name), \(ownerID), \(JSONText(Self.labelsJSON(labels)))::jsonb)
                """)
            try await audit.append(
                AuditEvent(
                    type: .agentCreated, actor: principal.actor, subject: .init(kind: .agent, id: id.uuidString.lowercased()),
                    data: ["name": .string(name), "team": .string(teamID.uuidString.lowercased())]),
                tenant: tenant, in: tx)
            return try await agent(tenant: tenant, id: id, in: tx)
        }
    }

    /// Agents of the tenant, oldest first.
    public func agents(tenant: UUID, page: PageRequest) async throws -> Page<Agent> {
        try await database.withTenant(tenant) { tx in
            let rows = try await tx.execute(
                """
                SELECT \(Self.agentColumns) FROM agents WHERE tenant_id = \(tenant) AND id > \(page.afterOrMin)
                ORDER BY id LIMIT \(page.limit + 1)
                """)
            return page.page(try rows.map { try $0.agent() }, id: \.id)
        }
    }

    /// One agent.
    public func agent(tenant: UUID, id: UUID) async throws -> Agent {
        try await database.withTenant(tenant) { tx in try await agent(tenant: tenant, id: id, in: tx) }
    }

    func agent(tenant: UUID, id: UUID, in tx: Transaction) async throws -> Agent {
        guard let row = try await tx.execute("SELECT \(Self.agentColumns) FROM agents WHERE tenant_id = \(tenant) AND id = \(id)").first
        else { throw StoreError.notFound("agent") }
        return try row.agent()
    }

    /// Changes an agent. Disabling stops its keys at once; re-enabling counts against the quota.
    public func updateAgent(tenant: UUID, id: UUID, changes: AgentChanges, by principal: Principal) async throws -> Agent {
        try await database.withTenant(tenant) { tx in
            let current = try await agent(tenant: tenant, id: id, in: tx)
            if changes.disabled == false, current.disabled { try await enforceAgentQuota(tenant: tenant, in: tx) }
            try await verifyReferences(tenant: tenant, teamID: changes.teamID, ownerID: changes.ownerID ?? nil, in: tx)
            let owner = changes.ownerID ?? current.ownerID
            let disabledSQL: SQL =
                switch changes.disabled {
                case .some(true): "coalesce(disabled_at, now())"
                case .some(false): "NULL"
                case .none: "disabled_at"
                }
            try await tx.execute(
                """
                UPDATE agents SET name = \(changes.name ?? current.name), team_id = \(changes.teamID ?? current.teamID),
                    owner_id = \(owner), labels = \(JSONText(Self.labelsJSON(changes.labels ?? current.labels)))::jsonb,
                    disabled_at = \(disabledSQL)
                WHERE tenant_id = \(tenant) AND id = \(id)
                """)
            var data: [String: JSONValue] = [:]
            if let name = changes.name { data["name"] = .string(name) }
            if let team = changes.teamID { data["team"] = .string(team.uuidString.lowercased()) }
            if let disabled = changes.disabled { data["disabled"] = .bool(disabled) }
            let type: AuditEventType =
                changes.disabled == true && !current.disabled
                ? .agentDisabled
                : changes.disabled == false && current.disabled ? .agentEnabled : .agentUpdated
            try await audit.append(
                AuditEvent(type: type, actor: principal.actor, subject: .init(kind: .agent, id: id.uuidString.lowercased()), data: data),
                tenant: tenant, in: tx)
            return try await agent(tenant: tenant, id: id, in: tx)
        }
    }

    private func enforceAgentQuota(tenant: UUID, in tx: Transaction) async throws {
        // Locking the tenant row serializes concurrent creations so the quota cannot be overrun.
        // NO KEY UPDATE, not UPDATE: it must not block the KEY SHARE locks that inserts referencing
        // the tenant take, or an audit appender holding the chain head would deadlock with us.
        // The count is a statement of its own, after the lock: in READ COMMITTED a statement that
        // waited for the lock still counts from the snapshot it started with.
        let rows = try await tx.pipeline([
            "SELECT p.max_active_agents FROM tenants t JOIN plans p ON p.id = t.plan WHERE t.id = \(tenant) FOR NO KEY UPDATE OF t",
            "SELECT count(*) AS active FROM agents WHERE tenant_id = \(tenant) AND disabled_at IS NULL",
        ])
        guard let row = rows[0].first, let active = rows[1].first else { throw StoreError.notFound("tenant") }
        let limit = try row.decode(Int.self, "max_active_agents")
        guard try active.decode(Int.self, "active") < limit else {
            throw StoreError.quotaExceeded("active_agents", "The plan allows \(limit) active agents; disable one or upgrade the plan.")
        }
    }

    private func verifyReferences(tenant: UUID, teamID: UUID?, ownerID: UUID?, in tx: Transaction) async throws {
        if let teamID, try await tx.execute("SELECT 1 FROM teams WHERE tenant_id = \(tenant) AND id = \(teamID)").isEmpty {
            throw StoreError.invalid("Team \(teamID.uuidString.lowercased()) does not exist.")
        }
        if let ownerID,
            try await tx.execute(
                """
                SELECT 1 FROM users WHERE tenant_id = \(tenant) AND id = \(ownerID) AND status <> 'removed'
                """
            ).isEmpty
        {
            throw StoreError.invalid("Member \(ownerID.uuidString.lowercased()) does not exist.")
        }
    }

    static func labelsJSON(_ labels: [String: String]) -> String {
        CanonicalJSON.string(.object(labels.mapValues(JSONValue.string)))
    }
}

extension IdentityStore {
    /// Records that an agent is alive (a heartbeat): `last_seen_at`, not audited (it changes no
    /// authority, and agents send it every few seconds). Returns the agent as stored.
    public func recordHeartbeat(tenant: UUID, agent id: UUID) async throws -> Agent {
        try await database.withTenant(tenant) { tx in
            guard
                let row = try await tx.execute(
                    """
                    UPDATE agents SET last_seen_at = now() WHERE tenant_id = \(tenant) AND id = \(id) AND disabled_at IS NULL
                    RETURNING \(Self.agentColumns)
                    """
                ).first
            else { throw StoreError.notFound("agent") }
            return try row.agent()
        }
    }
}
