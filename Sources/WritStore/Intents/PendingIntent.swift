import Foundation
import Postgres
import WritCore

/// A pending intent locked for a decision, with what deciding on it needs.
struct PendingIntent {
    let tenant: UUID
    let id: UUID
    let agent: UUID
    let agentTeam: UUID
    /// People who may never approve it: those recorded at submission (the agent's owner then, the
    /// key's creator) and whoever owns the agent now.
    let excluded: [UUID]
    let tier: Tier
    let required: Int
    let roles: [Role]
    let requiresMFA: Bool
    let vetoes: Bool
    let boardSize: Int
    let warrantTTL: Int
    let policyKey: UUID
    let policyVersion: Int
    let submission: IntentSubmission

    /// Locks the intent; refuses one that is not pending or is past its deadline (409).
    /// With `agent`, an intent of another agent is "not found" before anything about its state is said.
    static func lock(tenant: UUID, id: UUID, agent: UUID? = nil, in tx: Transaction) async throws -> PendingIntent {
        guard
            let row = try await tx.execute(
                """
                SELECT i.status, i.tier, i.decision, i.required_approvals, i.expires_at <= now() AS overdue, i.agent_id, i.team_id,
                       i.action, i.resource, i.params, i.target, i.justification, i.policy_key, i.policy_version, i.excluded_approvers,
                       (SELECT count(*) FROM users u WHERE u.tenant_id = i.tenant_id AND u.status = 'active' AND 'board' = ANY(u.roles)) AS board,
                       (SELECT a.owner_id FROM agents a WHERE a.tenant_id = i.tenant_id AND a.id = i.agent_id) AS current_owner
                FROM intents i WHERE i.tenant_id = \(tenant) AND i.id = \(id) FOR UPDATE
                """
            ).first
        else { throw StoreError.notFound("intent") }
        if let agent, try row.decode(UUID?.self, "agent_id") != agent { throw StoreError.notFound("intent") }
        let status = try row.decodeCase(IntentStatus.self, "status")
        guard status == .pendingApproval else { throw StoreError.conflict("The intent is \(status.rawValue); it takes no more decisions.") }
        guard try row.decode(Bool?.self, "overdue") != true else {
            throw StoreError.conflict("The intent's deadline has passed; it is expired.")
        }
        let decision = try JSONParser.parse(try row.decode(String.self, "decision"))
        let approvals = decision["approvals"]
        let boardSize = try row.decode(Int.self, "board")
        guard let tier = try row.decodeCase(Tier?.self, "tier") else { throw StoreError.corrupt("tier of a pending intent") }
        let required = try row.decode(Int?.self, "required_approvals") ?? (tier == .t3 ? boardSize / 2 + 1 : 1)
        return PendingIntent(
            tenant: tenant, id: id, agent: try row.decode(UUID.self, "agent_id"), agentTeam: try row.decode(UUID.self, "team_id"),
            excluded: try row.strictUUIDs("excluded_approvers") + [try row.decode(UUID?.self, "current_owner")].compactMap { $0 },
            tier: tier, required: max(1, required),
            roles: try Self.roles(approvals),
            requiresMFA: approvals?["mfa"] == .bool(true), vetoes: approvals?["veto"] != .bool(false), boardSize: boardSize,
            warrantTTL: try Self.warrantTTL(decision), policyKey: try row.decode(UUID.self, "policy_key"),
            policyVersion: try row.decode(Int.self, "policy_version"),
            submission: IntentSubmission(
                action: try row.decode(String.self, "action"), resource: try row.decode(String.self, "resource"),
                params: try JSONParser.parse(try row.decode(String.self, "params")), target: try row.decode(String?.self, "target"),
                justification: try row.decode(String?.self, "justification"), idempotencyKey: nil))
    }

    /// Refuses people recorded at submission as never approving it.
    func checkNotExcluded(_ user: UUID) throws {
        guard !excluded.contains(user) else {
            throw StoreError.forbidden("The agent's owner and the creator of the submitting key never count as approvers of its intents.")
        }
    }

    /// Refuses excluded people and people without an approving role.
    func checkEligible(_ user: UserPrincipal) throws {
        try checkNotExcluded(user.userID)
        guard !Set(roles).isDisjoint(with: user.roles) else {
            throw StoreError.forbidden("Deciding this intent needs one of the roles: \(roles.map(\.rawValue).joined(separator: ", ")).")
        }
    }

    func agentTeamHas(user: UUID, in tx: Transaction) async throws -> Bool {
        try await !tx.execute(
            """
            SELECT 1 FROM team_members WHERE tenant_id = \(tenant) AND team_id = \(agentTeam) AND user_id = \(user)
            """
        ).isEmpty
    }

    func setStatus(_ status: IntentStatus, in tx: Transaction) async throws {
        try await tx.execute(
            "UPDATE intents SET status = \(status.rawValue), updated_at = now() WHERE tenant_id = \(tenant) AND id = \(id)")
    }

    /// The stored decision's warrant lifetime; a decision without one does not parse.
    private static func warrantTTL(_ decision: JSONValue) throws -> Int {
        guard let seconds = decision["warrant_ttl"]?.numberValue, seconds >= 1 else { throw StoreError.corrupt("decision warrant_ttl") }
        return Int(seconds)
    }

    /// The roles the stored decision asks approvals from; an unknown role does not parse.
    private static func roles(_ approvals: JSONValue?) throws -> [Role] {
        try (approvals?["roles"]?.arrayValue ?? []).map { value in
            guard let role = value.stringValue.flatMap(Role.init(rawValue:)) else { throw StoreError.corrupt("decision role") }
            return role
        }
    }
}
