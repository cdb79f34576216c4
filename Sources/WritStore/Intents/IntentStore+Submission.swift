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
    /// Round trips for a T0 intent: two — `BEGIN`, the tenant setting, the intent, its warrant and
    /// the head's quota update in one pipeline; the events, the head and `COMMIT` in the other. An
    /// idempotency key and rate rules add one each; T1–T3 add the reads their notices need.
    ///
    /// - Parameter key: the submitting API key; its creator, like the agent's owner, is recorded as
    ///   never approving this intent.
    public func submit(
        _ submission: IntentSubmission, tenant: UUID, agent: Agent, key: KeyPrincipal, input: PolicyInput, policy: EffectivePolicy
    ) async throws -> (IntentRecord, created: Bool) {
        // Without rate rules nothing read in the transaction changes the outcome: the policy is
        // evaluated once, here. Submissions that end at once (T0 or denied) are group-committed per
        // tenant, with or without an idempotency key (a key already used makes its batch go one by
        // one, where the replay is answered); the rest go alone.
        guard policy.compiled.rateQueries.isEmpty else {
            return try await submitAlone(submission, tenant: tenant, agent: agent, key: key, input: input, policy: policy, decided: nil)
        }
        let decision = policy.compiled.evaluate(input, rateCounts: [:])
        if decision.outcome == .deny || decision.tier == .t0 {
            let job = SubmissionGroups.Job(submission: submission, agent: agent, key: key, input: input, policy: policy, decision: decision)
            return try await groups.submit(job, tenant: tenant, store: self)
        }
        return try await submitAlone(submission, tenant: tenant, agent: agent, key: key, input: input, policy: policy, decided: decision)
    }

    /// One submission in a transaction of its own; `decided` is the decision when it was made
    /// already (no rate rules), else it is made in the transaction from the counts read there.
    func submitAlone(
        _ submission: IntentSubmission, tenant: UUID, agent: Agent, key: KeyPrincipal, input: PolicyInput, policy: EffectivePolicy,
        decided: Decision?
    ) async throws -> (IntentRecord, created: Bool) {
        let hash = submission.requestHash
        do {
            return try await database.withTenant(tenant) { tx in
                // A submission that ends at once (T0, denied) skips the look-up: a used key makes the
                // unique index refuse its insert, and the replay is answered below. Others look first,
                // as their replays (an agent polling a pending approval) are common.
                let endsAtOnce = decided.map { $0.outcome == .deny || $0.tier == .t0 } ?? false
                if !endsAtOnce, let key = submission.idempotencyKey,
                    let existing = try await byIdempotencyKey(tenant, agent.id, key, in: tx)
                {
                    guard existing.hash == hash else { throw StoreError.idempotencyMismatch }
                    return (existing.record, false)
                }
                let counts = try await rateCounts(policy: policy, tenant: tenant, agent: agent, in: tx)
                let decision = decided ?? policy.compiled.evaluate(input, rateCounts: counts)
                let planned = try await plan(
                    submission, hash: hash, tenant: tenant, agent: agent, key: key, decision: decision, policy: policy, rateCounts: counts,
                    in: tx)
                let record = planned.record
                var head: AuditLog.Head
                if record.status == .pendingApproval {
                    try Self.checkInserted(try await tx.pipeline(planned.statements)[0])
                    try await requestApprovals(record, tenant: tenant, decision: decision, excluded: planned.excluded, agent: agent, in: tx)
                    head = try await countAgainstMonthlyQuota(tenant: tenant, in: tx)
                } else {
                    let rows = try await tx.pipeline(planned.statements + [Self.quotaLock(tenant)])
                    try Self.checkInserted(rows[0])
                    head = try Self.quotaChecked(rows.last!, count: 1)
                }
                var closing = try await audit.statements(appending: planned.events, tenant: tenant, after: head, in: tx).statements
                if record.status == .pendingApproval { closing.append(NodeEventChannel.intentChanged(tenant: tenant, intent: record.id)) }
                try await tx.commit(after: closing)
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

    /// With rate rules: the chain head locked (so concurrent submissions count one after another)
    /// and every count the rules need, in one round trip. Without: nothing.
    private func rateCounts(policy: EffectivePolicy, tenant: UUID, agent: Agent, in tx: Transaction) async throws -> [CompiledPolicy
        .RateQuery: Int]
    {
        let queries = Array(policy.compiled.rateQueries)
        guard !queries.isEmpty else { return [:] }
        let statements =
            [AuditLog.lockHeadStatement(tenant)]
            + queries.map { IntentHistory.rateCount($0, tenant: tenant, team: agent.teamID, agent: agent.id) }
        let rows = try await tx.pipeline(statements)
        var counts: [CompiledPolicy.RateQuery: Int] = [:]
        for (index, query) in queries.enumerated() { counts[query] = try rows[index + 1][0].decode(Int.self, "n") }
        return counts
    }

    private func byIdempotencyKey(_ tenant: UUID, _ agent: UUID, _ key: String, in tx: Transaction) async throws -> (
        record: IntentRecord, hash: String
    )? {
        guard
            let row = try await tx.execute(
                """
                SELECT \(Self.columns) FROM intents i LEFT JOIN warrants w ON w.tenant_id = i.tenant_id AND w.intent_id = i.id
                WHERE i.tenant_id = \(tenant) AND i.agent_id = \(agent) AND i.idempotency_key = \(key)
                """
            ).first
        else { return nil }
        return (try Self.record(row), try row.decode(String.self, "request_hash"))
    }

    /// Locks the chain head (last, as the lock order wants) and reads it with the month's usage and
    /// the plan's quota. Nothing is written here: the append's one UPDATE of the head also carries
    /// the new count (``quotaChecked(_:count:)``), so a submission rewrites the head row once.
    static func quotaLock(_ tenant: UUID) -> SQL {
        """
        SELECT h.seq, h.hash, h.checkpoint_seq, h.checkpoint_at, coalesce(h.streams_until > now(), false) AS watched,
               CASE WHEN h.usage_month = date_trunc('month', now())::date THEN h.month_intents ELSE 0 END AS used,
               to_char(date_trunc('month', now()), 'YYYY-MM-DD') AS month, p.max_intents_per_month AS quota
        FROM audit_heads h JOIN tenants t ON t.id = h.tenant_id JOIN plans p ON p.id = t.plan
        WHERE h.tenant_id = \(tenant) FOR UPDATE OF h
        """
    }

    private func countAgainstMonthlyQuota(tenant: UUID, in tx: Transaction) async throws -> AuditLog.Head {
        try Self.quotaChecked(try await tx.execute(Self.quotaLock(tenant)), count: 1)
    }

    /// The locked head, carrying the month's usage with `count` more intents for the append to
    /// write, or a refusal past the plan's quota (the transaction then rolls back).
    static func quotaChecked(_ rows: PostgresRows, count: Int) throws -> AuditLog.Head {
        guard let row = rows.first else { throw StoreError.notFound("audit chain of tenant") }
        let quota = try row.decode(Int.self, "quota")
        let used = try row.decode(Int.self, "used") + count
        guard used <= quota else {
            throw StoreError.quotaExceeded("intents_per_month", "The plan allows \(quota) intents per calendar month.")
        }
        var head = try AuditLog.Head(row)
        head.usage = (month: try row.decode(String.self, "month"), intents: used)
        return head
    }

    /// The intent insert inserts nothing when the agent was disabled meanwhile.
    private static func checkInserted(_ rows: PostgresRows) throws {
        guard rows.affectedRows == 1 else { throw StoreError.forbidden("The agent is disabled; its keys submit nothing.") }
    }

    /// The record, the statements that store it (the intent — inserted only while the agent is
    /// active — and for T0 its signed warrant), the events to append, and who may never approve it.
    func plan(
        _ submission: IntentSubmission, hash: String, tenant: UUID, agent: Agent, key: KeyPrincipal, decision: Decision,
        policy: EffectivePolicy, rateCounts: [CompiledPolicy.RateQuery: Int] = [:], in tx: Transaction
    ) async throws -> (record: IntentRecord, statements: [SQL], events: [AuditEvent], excluded: [UUID]) {
        let id = UUIDv7.make()
        // Separation of duties is fixed now: later changes of owner or key cannot make these people approvers.
        var excluded: [UUID] = []
        for person in [agent.ownerID, key.createdBy].compactMap({ $0 }) where !excluded.contains(person) { excluded.append(person) }
        let now = Date()
        let status: IntentStatus = decision.outcome == .deny ? .denied : decision.tier == .t0 ? .approved : .pendingApproval
        let expiresAt = status == .pendingApproval ? decision.approvals.map { now.addingTimeInterval(TimeInterval($0.timeout)) } : nil
        var statements: [SQL] = [
            """
            INSERT INTO intents (tenant_id, id, team_id, agent_id, action, resource, params, target, justification, outcome, tier,
                                 policy_key, policy_version, status, decision, expires_at, api_key_id, idempotency_key, request_hash, created_at,
                                 required_approvals, excluded_approvers, evaluation)
            SELECT \(tenant), \(id), \(agent.teamID), \(agent.id), \(submission.action), \(submission.resource),
                   \(String(decoding: submission.canonicalParams, as: UTF8.self)), \(submission.target), \(submission.justification),
                   \(decision.outcome.rawValue), \(decision.tier?.rawValue), \(policy.key), \(policy.version), \(status.rawValue),
                   \(CanonicalJSON.string(decision.json)), \(expiresAt), \(key.keyID), \(submission.idempotencyKey), \(hash), \(now),
                   \(decision.approvals?.count), \(excluded.map { $0.uuidString.lowercased() })::uuid[],
                   \(CanonicalJSON.string(Self.evaluation(agent: agent, policy: policy, rateCounts: rateCounts)))
            WHERE EXISTS (SELECT 1 FROM agents WHERE tenant_id = \(tenant) AND id = \(agent.id) AND disabled_at IS NULL)
            """
        ]
        var events = [
            AuditEvent(
                type: .intentSubmitted, actor: .init(kind: .agent, id: agent.id.uuidString.lowercased()),
                subject: .init(kind: .intent, id: id.uuidString.lowercased()),
                data: [
                    "action": .string(submission.action), "resource": .string(submission.resource),
                    "outcome": .string(decision.outcome.rawValue), "tier": decision.tier.map { .string($0.rawValue) } ?? .null,
                    "rules": .array(decision.rules.map { .string($0.id) }), "status": .string(status.rawValue),
                    "policy": ["id": .string(policy.key.uuidString.lowercased()), "version": .number(Double(policy.version))],
                ])
        ]
        var warrant: (token: String, claims: JSONValue)?
        if status == .approved {
            let signed = try await warrants.sign(
                tenant: tenant, intent: id, agent: agent.id, submission: submission, tier: .t0, warrantTTL: decision.warrantTTL,
                policyKey: policy.key, policyVersion: policy.version, approvals: [], in: tx)
            warrant = (signed.token, signed.claims)
            statements.append(signed.insert)
            events.append(signed.event)
        }
        let record = IntentRecord(
            id: id, agentID: agent.id, apiKeyID: key.keyID, teamID: agent.teamID, action: submission.action, resource: submission.resource,
            params: submission.params, target: submission.target, justification: submission.justification,
            status: status, tier: decision.tier, decision: decision.json, expiresAt: expiresAt, createdAt: now,
            issuedWarrant: warrant, storedWarrant: nil)
        return (record, statements, events, excluded)
    }

    /// Notices to the T1/T2 approvers, or the board's personal links for T3, in the outbox.
    private func requestApprovals(
        _ record: IntentRecord, tenant: UUID, decision: Decision, excluded: [UUID], agent: Agent, in tx: Transaction
    ) async throws {
        let summary = "\(record.action) on \(record.resource) by agent \(agent.name)"
        guard let tier = decision.tier else { return }
        if tier != .t3 {
            try await boardLinks.notifyApprovers(
                tenant: tenant, intent: record.id, tier: tier, roles: decision.approvals?.roles ?? [], team: agent.teamID,
                excluded: excluded, summary: summary, in: tx)
        } else if let expiresAt = record.expiresAt {
            let quorum = try await boardLinks.issue(
                tenant: tenant, intent: record.id, excluded: excluded, quorum: decision.approvals?.count, expiresAt: expiresAt,
                summary: summary, in: tx)
            try await tx.execute("UPDATE intents SET required_approvals = \(quorum) WHERE tenant_id = \(tenant) AND id = \(record.id)")
        }
    }
}

extension IntentStore {
    /// What the evaluation saw besides the intent, kept for re-evaluation from an evidence pack:
    /// the agent's name and labels, the tenant default's version a team policy extended, the rate counts.
    static func evaluation(agent: Agent, policy: EffectivePolicy, rateCounts: [CompiledPolicy.RateQuery: Int]) -> JSONValue {
        [
            "agent": ["name": .string(agent.name), "labels": .object(agent.labels.mapValues(JSONValue.string))],
            "base_version": policy.baseVersion.map { .number(Double($0)) } ?? .null,
            "rate_counts": .array(
                rateCounts.sorted { ($0.key.scope.rawValue, $0.key.seconds) < ($1.key.scope.rawValue, $1.key.seconds) }.map {
                    [
                        "scope": .string($0.key.scope.rawValue), "seconds": .number(Double($0.key.seconds)),
                        "count": .number(Double($0.value)),
                    ]
                }),
        ]
    }
}
