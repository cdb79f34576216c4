import Foundation
import Postgres
import WritCore
import WritCrypto

/// Intents: submission with classification, idempotency, quota and (for T0) the warrant, in one transaction.
public struct IntentStore: Sendable {
    let database: Database
    let audit: AuditLog
    let warrants: WarrantIssuer
    let boardLinks: BoardLinkIssuer
    let sealer: Sealer

    /// - Parameter issuer: the server's public base URL: warrants' `iss` and the base of board links.
    public init(database: Database, audit: AuditLog, signingKeys: SigningKeys, issuer: String, masterKey: [UInt8]) {
        self.database = database
        self.audit = audit
        self.sealer = Sealer(masterKey: masterKey)
        self.warrants = WarrantIssuer(signingKeys: signingKeys, audit: audit, sealer: sealer, issuer: issuer)
        self.boardLinks = BoardLinkIssuer(hasher: KeyedHasher(masterKey: masterKey), links: LinkTokens(masterKey: masterKey), publicURL: issuer)
    }

    /// Stores a classified submission; a retry with the same idempotency key and body returns the first result.
    ///
    /// - Parameter key: the submitting API key; its creator, like the agent's owner, is recorded as
    ///   never approving this intent.
    public func submit(
        _ submission: IntentSubmission, tenant: UUID, agent: Agent, key: KeyPrincipal, decision: Decision, policy: EffectivePolicy
    ) async throws -> (IntentRecord, created: Bool) {
        let hash = submission.requestHash
        do {
            return try await database.withTenant(tenant) { tx in
                if let key = submission.idempotencyKey, let existing = try await byIdempotencyKey(tenant, agent.id, key, in: tx) {
                    guard existing.hash == hash else { throw StoreError.conflict("idempotency-mismatch") }
                    return (existing.record, false)
                }
                try await enforceMonthlyQuota(tenant: tenant, in: tx)
                let record = try await insert(submission, hash: hash, tenant: tenant, agent: agent, key: key, decision: decision,
                                              policy: policy, in: tx)
                return (record, true)
            }
        } catch let error as PostgresError where error.isUniqueViolation && submission.idempotencyKey != nil {
            // A concurrent retry with the same key committed first: answer with its result.
            return try await database.withTenant(tenant) { tx in
                guard let existing = try await byIdempotencyKey(tenant, agent.id, submission.idempotencyKey!, in: tx) else { throw error }
                guard existing.hash == hash else { throw StoreError.conflict("idempotency-mismatch") }
                return (existing.record, false)
            }
        }
    }

    /// One intent of the tenant.
    public func intent(tenant: UUID, id: UUID) async throws -> IntentRecord {
        try await database.withTenant(tenant) { tx in try await Self.read(tenant: tenant, id: id, in: tx) }
    }

    static func read(tenant: UUID, id: UUID, in tx: Transaction) async throws -> IntentRecord {
        guard let row = try await tx.execute("""
            SELECT \(Self.columns) FROM intents i LEFT JOIN warrants w ON w.tenant_id = i.tenant_id AND w.intent_id = i.id
            WHERE i.tenant_id = \(tenant) AND i.id = \(id)
            """).first else { throw StoreError.notFound("intent") }
        return try record(row)
    }

    static let columns: SQL = """
        i.id, i.agent_id, i.team_id, i.action, i.resource, i.params, i.target, i.justification, i.status, i.tier, i.decision, i.expires_at, i.created_at,
        i.request_hash, w.jti AS warrant_jti, w.token AS warrant, w.signature_sealed AS warrant_signature
        """

    private func byIdempotencyKey(_ tenant: UUID, _ agent: UUID, _ key: String, in tx: Transaction) async throws -> (record: IntentRecord, hash: String)? {
        guard let row = try await tx.execute("""
            SELECT \(Self.columns) FROM intents i LEFT JOIN warrants w ON w.tenant_id = i.tenant_id AND w.intent_id = i.id
            WHERE i.tenant_id = \(tenant) AND i.agent_id = \(agent) AND i.idempotency_key = \(key)
            """).first else { return nil }
        return (try Self.record(row), try row.decode(String.self, "request_hash"))
    }

    private func enforceMonthlyQuota(tenant: UUID, in tx: Transaction) async throws {
        let row = try await tx.execute("""
            SELECT p.max_intents_per_month AS quota,
                   (SELECT count(*) FROM intents WHERE tenant_id = \(tenant) AND created_at >= date_trunc('month', now())) AS used
            FROM tenants t JOIN plans p ON p.id = t.plan WHERE t.id = \(tenant)
            """)[0]
        let quota = try row.decode(Int.self, "quota")
        guard try row.decode(Int.self, "used") < quota else {
            throw StoreError.quotaExceeded("intents_per_month", "The plan allows \(quota) intents per calendar month.")
        }
    }

    private func insert(
        _ submission: IntentSubmission, hash: String, tenant: UUID, agent: Agent, key: KeyPrincipal, decision: Decision,
        policy: EffectivePolicy, in tx: Transaction
    ) async throws -> IntentRecord {
        let id = UUIDv7.make()
        // Separation of duties is fixed now: later changes of owner or key cannot make these people approvers.
        var excluded: [UUID] = []
        for person in [agent.ownerID, key.createdBy].compactMap({ $0 }) where !excluded.contains(person) { excluded.append(person) }
        let now = Date()
        let status = decision.outcome == .deny ? "denied" : decision.tier == .t0 ? "approved" : "pending_approval"
        let expiresAt = status == "pending_approval" ? decision.approvals.map { now.addingTimeInterval(TimeInterval($0.timeout)) } : nil
        try await tx.execute("""
            INSERT INTO intents (tenant_id, id, team_id, agent_id, action, resource, params, target, justification, outcome, tier,
                                 policy_key, policy_version, status, decision, expires_at, api_key_id, idempotency_key, request_hash, created_at,
                                 required_approvals, excluded_approvers)
            VALUES (\(tenant), \(id), \(agent.teamID), \(agent.id), \(submission.action), \(submission.resource),
                    \(CanonicalJSON.string(submission.params)), \(submission.target), \(submission.justification),
                    \(decision.outcome.rawValue), \(decision.tier?.rawValue), \(policy.key), \(policy.version), \(status),
                    \(CanonicalJSON.string(decision.json)), \(expiresAt), \(key.keyID), \(submission.idempotencyKey), \(hash), \(now),
                    \(decision.approvals?.count), \(excluded.map { $0.uuidString.lowercased() })::uuid[])
            """)
        let actor = AuditEvent.Party(kind: "agent", id: agent.id.uuidString.lowercased())
        try await audit.append(
            AuditEvent(type: "intent.submitted", actor: actor, subject: .init(kind: "intent", id: id.uuidString.lowercased()),
                       data: ["action": .string(submission.action), "resource": .string(submission.resource),
                              "outcome": .string(decision.outcome.rawValue), "tier": decision.tier.map { .string($0.rawValue) } ?? .null,
                              "rules": .array(decision.rules.map { .string($0.id) }), "status": .string(status),
                              "policy": ["id": .string(policy.key.uuidString.lowercased()), "version": .number(Double(policy.version))]]),
            tenant: tenant, in: tx)
        let summary = "\(submission.action) on \(submission.resource) by agent \(agent.name)"
        if status == "pending_approval", let tier = decision.tier, tier != .t3 {
            try await boardLinks.notifyApprovers(
                tenant: tenant, intent: id, tier: tier, roles: decision.approvals?.roles ?? [], team: agent.teamID, excluded: excluded,
                summary: summary, in: tx)
        }
        if status == "pending_approval", decision.tier == .t3, let expiresAt {
            let quorum = try await boardLinks.issue(
                tenant: tenant, intent: id, excluded: excluded, quorum: decision.approvals?.count, expiresAt: expiresAt,
                summary: summary, in: tx)
            try await tx.execute("UPDATE intents SET required_approvals = \(quorum) WHERE tenant_id = \(tenant) AND id = \(id)")
        }
        var warrant: String?
        if status == "approved" {
            warrant = try await warrants.issue(
                tenant: tenant, intent: id, agent: agent.id, submission: submission, tier: .t0, warrantTTL: decision.warrantTTL,
                policyKey: policy.key, policyVersion: policy.version, approvals: [], in: tx)
        }
        return IntentRecord(id: id, agentID: agent.id, teamID: agent.teamID, action: submission.action, resource: submission.resource,
                            params: submission.params, target: submission.target, justification: submission.justification,
                            status: status, tier: decision.tier, decision: decision.json, expiresAt: expiresAt, createdAt: now,
                            issuedWarrant: warrant, storedWarrant: nil)
    }

    static func record(_ row: PostgresRow) throws -> IntentRecord {
        IntentRecord(
            id: try row.decode(UUID.self, "id"), agentID: try row.decode(UUID?.self, "agent_id"), teamID: try row.decode(UUID.self, "team_id"),
            action: try row.decode(String.self, "action"), resource: try row.decode(String.self, "resource"),
            params: try JSONParser.parse(try row.decode(String.self, "params")), target: try row.decode(String?.self, "target"),
            justification: try row.decode(String?.self, "justification"),
            status: try row.decode(String.self, "status"), tier: try row.decode(String?.self, "tier").flatMap(Tier.init(rawValue:)),
            decision: try JSONParser.parse(try row.decode(String?.self, "decision") ?? "{}"),
            expiresAt: try row.decode(Date?.self, "expires_at"), createdAt: try row.decode(Date.self, "created_at"),
            issuedWarrant: nil, storedWarrant: try storedWarrant(row))
    }

    private static func storedWarrant(_ row: PostgresRow) throws -> StoredWarrant? {
        guard let jti = try row.decode(String?.self, "warrant_jti") else { return nil }
        guard let signingInput = try row.decode(String?.self, "warrant") else { throw StoreError.corrupt("warrant") }
        return StoredWarrant(jti: jti, signingInput: signingInput, sealedSignature: try row.decode(Bytea?.self, "warrant_signature")?.bytes)
    }

    /// The usable warrant token of an approved intent (for the agent that submitted it only).
    public func bearerWarrant(of record: IntentRecord, tenant: UUID) throws -> String? {
        if let issued = record.issuedWarrant { return issued }
        return try record.storedWarrant?.token(tenant: tenant, sealer: sealer)
    }

    /// The warrant's claims, for anyone who may read the intent.
    public static func warrantClaims(of record: IntentRecord) -> JSONValue? {
        if let issued = record.issuedWarrant {
            return JWS.Parts(compact: issued).flatMap { try? JSONParser.parse($0.payload) }
        }
        return record.storedWarrant?.claims
    }
}

