import Foundation
import Postgres
import WritCore

extension IntentStore {
    /// Classifies and stores a submission in one transaction; a retry with the same idempotency
    /// key and body returns the first result.
    ///
    /// Everything that decides the outcome is read inside the transaction: the agent must still be
    /// active when the intent is inserted, and when the policy has rate rules the tenant's chain
    /// head is locked before counting, so concurrent submissions cannot overrun a rate. Both audit
    /// events (`intent.submitted`, and `warrant.issued` for T0) are appended under one head lock
    /// taken last, and the monthly quota is a counter on that same row.
    ///
    /// - Parameter key: the submitting API key; its creator, like the agent's owner, is recorded as
    ///   never approving this intent.
    public func submit(
        _ submission: IntentSubmission, tenant: UUID, agent: Agent, key: KeyPrincipal, input: PolicyInput, policy: EffectivePolicy
    ) async throws -> (IntentRecord, created: Bool) {
        let hash = submission.requestHash
        do {
            return try await database.withTenant(tenant) { tx in
                if let key = submission.idempotencyKey, let existing = try await byIdempotencyKey(tenant, agent.id, key, in: tx) {
                    guard existing.hash == hash else { throw StoreError.idempotencyMismatch }
                    return (existing.record, false)
                }
                var counts: [CompiledPolicy.RateQuery: Int] = [:]
                if !policy.compiled.rateQueries.isEmpty {
                    _ = try await audit.lockHead(tenant: tenant, in: tx)
                    counts = try await IntentHistory.rateCounts(
                        tenant: tenant, team: agent.teamID, agent: agent.id, queries: policy.compiled.rateQueries, in: tx)
                }
                let decision = policy.compiled.evaluate(input, rateCounts: counts)
                let (record, events) = try await insert(
                    submission, hash: hash, tenant: tenant, agent: agent, key: key, decision: decision, policy: policy, in: tx)
                try await audit.append(contentsOf: events, tenant: tenant, in: tx)
                try await countAgainstMonthlyQuota(tenant: tenant, in: tx)
                if record.status == .pendingApproval { try await NodeEventChannel.notifyIntentChanged(tenant: tenant, intent: record.id, in: tx) }
                return (record, true)
            }
        } catch let error as PostgresError where error.isUniqueViolation && submission.idempotencyKey != nil {
            // A concurrent retry with the same key committed first: answer with its result.
            return try await database.withTenant(tenant) { tx in
                guard let existing = try await byIdempotencyKey(tenant, agent.id, submission.idempotencyKey!, in: tx) else { throw error }
                guard existing.hash == hash else { throw StoreError.idempotencyMismatch }
                return (existing.record, false)
            }
        }
    }

    private func byIdempotencyKey(_ tenant: UUID, _ agent: UUID, _ key: String, in tx: Transaction) async throws -> (record: IntentRecord, hash: String)? {
        guard let row = try await tx.execute("""
            SELECT \(Self.columns) FROM intents i LEFT JOIN warrants w ON w.tenant_id = i.tenant_id AND w.intent_id = i.id
            WHERE i.tenant_id = \(tenant) AND i.agent_id = \(agent) AND i.idempotency_key = \(key)
            """).first else { return nil }
        return (try Self.record(row), try row.decode(String.self, "request_hash"))
    }

    /// Counts the intent on the chain head (locked by the append), starting afresh each calendar
    /// month, and refuses it past the plan's quota (the transaction then rolls back).
    private func countAgainstMonthlyQuota(tenant: UUID, in tx: Transaction) async throws {
        guard let row = try await tx.execute("""
            UPDATE audit_heads h
            SET month_intents = CASE WHEN h.usage_month = date_trunc('month', now())::date THEN h.month_intents + 1 ELSE 1 END,
                usage_month = date_trunc('month', now())::date
            FROM tenants t JOIN plans p ON p.id = t.plan
            WHERE h.tenant_id = \(tenant) AND t.id = h.tenant_id
            RETURNING h.month_intents AS used, p.max_intents_per_month AS quota
            """).first else { throw StoreError.notFound("audit chain of tenant") }
        let quota = try row.decode(Int.self, "quota")
        guard try row.decode(Int.self, "used") <= quota else {
            throw StoreError.quotaExceeded("intents_per_month", "The plan allows \(quota) intents per calendar month.")
        }
    }

    /// Inserts the intent (refused when the agent was disabled meanwhile), its approval requests
    /// or board links, and for T0 its warrant; returns the record and the events to append.
    private func insert(
        _ submission: IntentSubmission, hash: String, tenant: UUID, agent: Agent, key: KeyPrincipal, decision: Decision,
        policy: EffectivePolicy, in tx: Transaction
    ) async throws -> (IntentRecord, [AuditEvent]) {
        let id = UUIDv7.make()
        // Separation of duties is fixed now: later changes of owner or key cannot make these people approvers.
        var excluded: [UUID] = []
        for person in [agent.ownerID, key.createdBy].compactMap({ $0 }) where !excluded.contains(person) { excluded.append(person) }
        let now = Date()
        let status: IntentStatus = decision.outcome == .deny ? .denied : decision.tier == .t0 ? .approved : .pendingApproval
        let expiresAt = status == .pendingApproval ? decision.approvals.map { now.addingTimeInterval(TimeInterval($0.timeout)) } : nil
        let inserted = try await tx.execute("""
            INSERT INTO intents (tenant_id, id, team_id, agent_id, action, resource, params, target, justification, outcome, tier,
                                 policy_key, policy_version, status, decision, expires_at, api_key_id, idempotency_key, request_hash, created_at,
                                 required_approvals, excluded_approvers)
            SELECT \(tenant), \(id), \(agent.teamID), \(agent.id), \(submission.action), \(submission.resource),
                   \(CanonicalJSON.string(submission.params)), \(submission.target), \(submission.justification),
                   \(decision.outcome.rawValue), \(decision.tier?.rawValue), \(policy.key), \(policy.version), \(status.rawValue),
                   \(CanonicalJSON.string(decision.json)), \(expiresAt), \(key.keyID), \(submission.idempotencyKey), \(hash), \(now),
                   \(decision.approvals?.count), \(excluded.map { $0.uuidString.lowercased() })::uuid[]
            WHERE EXISTS (SELECT 1 FROM agents WHERE tenant_id = \(tenant) AND id = \(agent.id) AND disabled_at IS NULL)
            """)
        guard inserted.affectedRows == 1 else { throw StoreError.forbidden("The agent is disabled; its keys submit nothing.") }
        var events = [AuditEvent(
            type: "intent.submitted", actor: .init(kind: "agent", id: agent.id.uuidString.lowercased()),
            subject: .init(kind: "intent", id: id.uuidString.lowercased()),
            data: ["action": .string(submission.action), "resource": .string(submission.resource),
                   "outcome": .string(decision.outcome.rawValue), "tier": decision.tier.map { .string($0.rawValue) } ?? .null,
                   "rules": .array(decision.rules.map { .string($0.id) }), "status": .string(status.rawValue),
                   "policy": ["id": .string(policy.key.uuidString.lowercased()), "version": .number(Double(policy.version))]])]
        let summary = "\(submission.action) on \(submission.resource) by agent \(agent.name)"
        if status == .pendingApproval, let tier = decision.tier, tier != .t3 {
            try await boardLinks.notifyApprovers(
                tenant: tenant, intent: id, tier: tier, roles: decision.approvals?.roles ?? [], team: agent.teamID, excluded: excluded,
                summary: summary, in: tx)
        }
        if status == .pendingApproval, decision.tier == .t3, let expiresAt {
            let quorum = try await boardLinks.issue(
                tenant: tenant, intent: id, excluded: excluded, quorum: decision.approvals?.count, expiresAt: expiresAt,
                summary: summary, in: tx)
            try await tx.execute("UPDATE intents SET required_approvals = \(quorum) WHERE tenant_id = \(tenant) AND id = \(id)")
        }
        var warrant: String?
        if status == .approved {
            let issued = try await warrants.issue(
                tenant: tenant, intent: id, agent: agent.id, submission: submission, tier: .t0, warrantTTL: decision.warrantTTL,
                policyKey: policy.key, policyVersion: policy.version, approvals: [], in: tx)
            warrant = issued.token
            events.append(issued.event)
        }
        let record = IntentRecord(
            id: id, agentID: agent.id, teamID: agent.teamID, action: submission.action, resource: submission.resource,
            params: submission.params, target: submission.target, justification: submission.justification,
            status: status, tier: decision.tier, decision: decision.json, expiresAt: expiresAt, createdAt: now,
            issuedWarrant: warrant, storedWarrant: nil)
        return (record, events)
    }
}
