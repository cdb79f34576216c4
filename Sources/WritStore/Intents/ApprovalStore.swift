import Foundation
import Postgres
import WritCore

/// Decisions by people on T1 and T2 intents, cancellation and results.
///
/// Every decision locks the intent row, so concurrent decisions that complete a quorum produce
/// exactly one warrant, and a decided, expired or cancelled intent refuses further decisions.
public struct ApprovalStore: Sendable {
    let database: Database
    let audit: AuditLog
    let warrants: WarrantIssuer

    public init(intents: IntentStore) {
        self.database = intents.database
        self.audit = intents.audit
        self.warrants = intents.warrants
    }

    /// Records `user`'s decision, checking `code` (TOTP or recovery) when given.
    ///
    /// The code is checked only after every other check passed and in the same transaction, so a
    /// refused decision never uses up a code; a wrong code throws ``StoreError/unauthorized(_:)``.
    public func decide(
        tenant: UUID, intent id: UUID, user: UserPrincipal, decision: ApprovalDecision, comment: String?, code: String?,
        identity: IdentityStore
    ) async throws -> IntentRecord {
        try await database.withTenant(tenant) { tx in
            let pending = try await PendingIntent.lock(tenant: tenant, id: id, in: tx)
            guard pending.tier != .t3 else {
                throw StoreError.forbidden("T3 intents are decided by the board through their personal approval links.")
            }
            try pending.checkEligible(user)
            if pending.tier == .t1, !user.roles.contains(.admin), try await !pending.agentTeamHas(user: user.userID, in: tx) {
                throw StoreError.forbidden("Only an operator of the agent's team (or an admin) may decide this T1 intent.")
            }
            if pending.requiresMFA, code == nil {
                throw StoreError.forbidden("This T2 intent needs each approver's TOTP code: send `totp` (enrol with POST /v1/me/totp).")
            }
            let mfa = try await Self.checkSecondFactor(code, tenant: tenant, user: user.userID, identity: identity, in: tx)
            try await record(pending, user: user.userID, decision: decision, comment: comment, mfa: mfa, in: tx)
            tx.queue(NodeEventChannel.intentChanged(tenant: tenant, intent: id))
            return try await IntentStore.read(tenant: tenant, id: id, in: tx)
        }
    }

    /// Checks `code` in the decision's transaction; `false` when none was given.
    static func checkSecondFactor(_ code: String?, tenant: UUID, user: UUID, identity: IdentityStore, in tx: Transaction) async throws
        -> Bool
    {
        guard let code else { return false }
        guard try await identity.verifySecondFactor(tenant: tenant, user: user, code: code, in: tx) == .accepted else {
            throw StoreError.unauthorized("The TOTP code is wrong, expired or was already used.")
        }
        return true
    }

    /// Inserts the decision and moves the intent on: rejected, approved with its warrant, or still pending.
    func record(
        _ pending: PendingIntent, user: UUID, decision: ApprovalDecision, comment: String?, mfa: Bool, in tx: Transaction
    ) async throws {
        do {
            try await tx.execute(
                """
                INSERT INTO approvals (tenant_id, intent_id, user_id, decision, comment, mfa)
                VALUES (\(pending.tenant), \(pending.id), \(user), \(decision.rawValue), \(comment), \(mfa))
                """)
        } catch let error as PostgresError where error.isUniqueViolation {
            throw StoreError.conflict("You have already decided on this intent; each person counts once.")
        }
        let actor = AuditEvent.Actor(kind: .user, id: user.uuidString.lowercased())
        let subject = AuditEvent.Subject(kind: .intent, id: pending.id.uuidString.lowercased())
        let counts = try await tx.execute(
            """
            SELECT count(*) FILTER (WHERE decision = 'approve') AS approvals, count(*) FILTER (WHERE decision = 'reject') AS rejections
            FROM approvals WHERE tenant_id = \(pending.tenant) AND intent_id = \(pending.id)
            """)[0]
        let approvals = try counts.decode(Int.self, "approvals")
        let rejections = try counts.decode(Int.self, "rejections")
        let recorded: AuditEventType =
            switch decision {
            case .approve: .intentApprovalRecorded
            case .reject: .intentRejectionRecorded
            }
        try await audit.append(
            AuditEvent(
                type: recorded, actor: actor, subject: subject,
                data: ["mfa": .bool(mfa), "comment": comment.map(JSONValue.string) ?? .null]),
            tenant: pending.tenant, in: tx)
        if rejections > 0, pending.vetoes || pending.tier != .t3 || rejections > pending.boardSize - pending.required {
            try await pending.setStatus(.rejected, in: tx)
            try await audit.append(AuditEvent(type: .intentRejected, actor: actor, subject: subject), tenant: pending.tenant, in: tx)
        } else if approvals >= pending.required {
            try await pending.setStatus(.approved, in: tx)
            let rows = try await tx.execute(
                """
                SELECT user_id, extract(epoch FROM created_at)::bigint AS at, mfa FROM approvals
                WHERE tenant_id = \(pending.tenant) AND intent_id = \(pending.id) AND decision = 'approve' ORDER BY created_at, user_id
                """)
            let claims = try rows.map {
                WarrantClaims.Approval(
                    by: try $0.decode(UUID.self, "user_id").uuidString.lowercased(), at: try $0.decode(Int64.self, "at"),
                    mfa: try $0.decode(Bool.self, "mfa"))
            }
            let issued = try await warrants.issue(
                tenant: pending.tenant, intent: pending.id, agent: pending.agent, submission: pending.submission, tier: pending.tier,
                warrantTTL: pending.warrantTTL, policyKey: pending.policyKey, policyVersion: pending.policyVersion, approvals: claims,
                in: tx)
            try await audit.append(
                contentsOf: [
                    issued.event,
                    AuditEvent(type: .intentApproved, actor: actor, subject: subject, data: ["approvals": .number(Double(approvals))]),
                ], tenant: pending.tenant, in: tx)
        }
    }

    /// The agent withdraws its pending intent.
    public func cancel(tenant: UUID, intent id: UUID, agent: UUID) async throws -> IntentRecord {
        try await database.withTenant(tenant) { tx in
            let pending = try await PendingIntent.lock(tenant: tenant, id: id, agent: agent, in: tx)
            try await pending.setStatus(.cancelled, in: tx)
            try await audit.append(
                AuditEvent(
                    type: .intentCancelled, actor: .init(kind: .agent, id: agent.uuidString.lowercased()),
                    subject: .init(kind: .intent, id: id.uuidString.lowercased())), tenant: tenant, in: tx)
            tx.queue(NodeEventChannel.intentChanged(tenant: tenant, intent: id))
            return try await IntentStore.read(tenant: tenant, id: id, in: tx)
        }
    }

    /// The agent reports what happened to an approved intent.
    public func report(tenant: UUID, intent id: UUID, agent: UUID, executed: Bool, summary: String?) async throws -> IntentRecord {
        try await database.withTenant(tenant) { tx in
            guard
                let row = try await tx.execute(
                    """
                    SELECT status, agent_id FROM intents WHERE tenant_id = \(tenant) AND id = \(id) FOR UPDATE
                    """
                ).first, try row.decode(UUID?.self, "agent_id") == agent
            else { throw StoreError.notFound("intent") }
            let status = try row.decodeCase(IntentStatus.self, "status")
            guard status == .approved else {
                throw StoreError.conflict("Only an approved intent can report a result; this one is \(status.rawValue).")
            }
            let result = executed ? IntentStatus.executed.rawValue : IntentStatus.failed.rawValue
            try await tx.execute(
                """
                UPDATE intents SET status = \(result), result = \(result), result_summary = \(summary), updated_at = now()
                WHERE tenant_id = \(tenant) AND id = \(id)
                """)
            let type: AuditEventType = executed ? .intentExecuted : .intentFailed
            try await audit.append(
                AuditEvent(
                    type: type, actor: .init(kind: .agent, id: agent.uuidString.lowercased()),
                    subject: .init(kind: .intent, id: id.uuidString.lowercased()),
                    data: ["summary": summary.map(JSONValue.string) ?? .null]), tenant: tenant, in: tx)
            tx.queue(NodeEventChannel.intentChanged(tenant: tenant, intent: id))
            return try await IntentStore.read(tenant: tenant, id: id, in: tx)
        }
    }
}
