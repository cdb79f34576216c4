import Foundation
import Postgres
import WritCore

/// Reads what an evidence pack holds for a period (docs/audit-format.md, "Evidence packs"), in
/// batches so a pack of any size streams in bounded memory.
public struct EvidenceReader: Sendable {
    let database: Database
    let sealer: Sealer

    public init(database: Database, keys: KeyRing) {
        self.database = database
        self.sealer = keys.sealer
    }

    /// The chain's slice for `[since, until)`: the events from the first to the last in the period
    /// (with any between them), and the hash it links to; empty (`last < first`) without events.
    /// When the period reaches back before the purge boundary, the slice starts at the boundary
    /// and `purgedBefore` names it.
    public func slice(tenant: UUID, since: Date, until: Date) async throws -> (
        first: Int64, last: Int64, previousHash: String, purgedBefore: Int64?
    ) {
        try await database.withTenant(tenant) { tx in
            let bounds = try await tx.execute(
                """
                SELECT min(seq) AS first, max(seq) AS last,
                       (SELECT coalesce(max(seq), 0) FROM audit_events WHERE tenant_id = \(tenant) AND occurred_at < \(since)) AS before
                FROM audit_events WHERE tenant_id = \(tenant) AND occurred_at >= \(since) AND occurred_at < \(until)
                """)[0]
            let before = try bounds.decode(Int64.self, "before")
            // Only a boundary the chain proves moves the slice's start (an unproven one hides nothing).
            let purgedBefore = try await AuditReader.readableHead(tenant: tenant, in: tx).purgedBefore
            let natural = try bounds.decode(Int64?.self, "first") ?? before + 1
            let first = max(natural, purgedBefore)
            let last = max(try bounds.decode(Int64?.self, "last") ?? first - 1, first - 1)
            let purged = natural < purgedBefore ? purgedBefore : nil
            guard first > 1 else { return (first, last, AuditChain.genesisHash, purged) }
            let previous = try await tx.execute("SELECT hash FROM audit_events WHERE tenant_id = \(tenant) AND seq = \(first - 1)")
            guard let hash = try previous.first?.decode(String.self, "hash") else {
                throw StoreError.corrupt("audit chain gap before the period")
            }
            return (first, last, hash, purged)
        }
    }

    /// Every policy version in force at some moment of the period: the one of each policy at its
    /// start and every one saved before its end, oldest first.
    public func policyVersions(tenant: UUID, since: Date, until: Date) async throws -> [JSONValue] {
        try await database.withTenant(tenant) { tx in
            try await tx.execute(
                """
                SELECT policy_key, team_id, version, document, comment, author_kind, author_id, created_at FROM policy_versions p
                WHERE tenant_id = \(tenant) AND created_at < \(until)
                  AND (created_at >= \(since) OR version = (SELECT max(version) FROM policy_versions q
                                                            WHERE q.tenant_id = p.tenant_id AND q.policy_key = p.policy_key AND q.created_at < \(since)))
                ORDER BY created_at, policy_key, version
                """
            ).map { row -> JSONValue in
                [
                    "policy_key": .string(try row.decode(UUID.self, "policy_key").uuidString.lowercased()),
                    "team_id": try row.decode(UUID?.self, "team_id").map { .string($0.uuidString.lowercased()) } ?? .null,
                    "version": .number(Double(try row.decode(Int.self, "version"))),
                    "document": try JSONParser.parse(try row.decode(String.self, "document")),
                    "comment": try row.decode(String?.self, "comment").map(JSONValue.string) ?? .null,
                    "author": [
                        "kind": .string(try row.decodeCase(AuditActorKind.self, "author_kind").rawValue),
                        "id": try row.decode(String?.self, "author_id").map(JSONValue.string) ?? .null,
                    ],
                    "created_at": .string(Timestamp.format(try row.decode(Date.self, "created_at"))),
                ]
            }
        }
    }

    /// Where a batch of intents ends: the next batch starts after it.
    public struct IntentCursor: Sendable {
        let createdAt: Date
        let id: UUID
    }

    /// The intents submitted in `[since, until)` after `cursor`, oldest first, at most `limit`,
    /// each with its decisions and warrant (the full warrant only once it can no longer be used).
    public func intents(
        tenant: UUID, since: Date, until: Date, after cursor: IntentCursor?, limit: Int
    ) async throws -> (items: [JSONValue], next: IntentCursor?) {
        let after: SQL = cursor.map { "AND (i.created_at, i.id) > (\($0.createdAt)::timestamptz, \($0.id)::uuid)" } ?? ""
        return try await database.withTenant(tenant) { tx in
            let rows = try await tx.execute(
                """
                SELECT i.id, i.agent_id, i.team_id, i.action, i.resource, i.params, i.target, i.justification, i.status, i.outcome, i.tier,
                       i.decision, i.policy_key, i.policy_version, i.evaluation, i.required_approvals, i.excluded_approvers::text[] AS excluded,
                       i.created_at, i.updated_at, i.expires_at, i.result, i.result_summary,
                       w.jti, w.token, w.signature_sealed, w.redeemed_at IS NOT NULL AS redeemed, w.revoked_at IS NOT NULL AS revoked,
                       w.expires_at <= now() AS expired
                FROM intents i LEFT JOIN warrants w ON w.tenant_id = i.tenant_id AND w.intent_id = i.id
                WHERE i.tenant_id = \(tenant) AND i.created_at >= \(since) AND i.created_at < \(until)
                  \(after)
                ORDER BY i.created_at, i.id LIMIT \(limit)
                """)
            let ids = try rows.map { try $0.decode(UUID.self, "id") }
            guard let last = rows.last else { return ([], nil) }
            let decisions = try await tx.execute(
                """
                SELECT a.intent_id, a.user_id, u.email, a.decision, a.comment, a.mfa, a.created_at FROM approvals a
                JOIN users u ON u.tenant_id = a.tenant_id AND u.id = a.user_id
                WHERE a.tenant_id = \(tenant) AND a.intent_id = ANY(\(ids.map { $0.uuidString })::uuid[]) ORDER BY a.created_at, a.user_id
                """)
            var byIntent: [UUID: [JSONValue]] = [:]
            for row in decisions {
                byIntent[try row.decode(UUID.self, "intent_id"), default: []].append([
                    "user_id": .string(try row.decode(UUID.self, "user_id").uuidString.lowercased()),
                    "email": .string(try row.decode(String.self, "email")),
                    "decision": .string(try row.decodeCase(ApprovalDecision.self, "decision").rawValue),
                    "comment": try row.decode(String?.self, "comment").map(JSONValue.string) ?? .null,
                    "mfa": .bool(try row.decode(Bool.self, "mfa")),
                    "at": .string(Timestamp.format(try row.decode(Date.self, "created_at"))),
                ])
            }
            let items = try rows.map {
                try EvidenceIntent.json($0, decisions: byIntent[try $0.decode(UUID.self, "id")] ?? [], tenant: tenant, sealer: sealer)
            }
            let next =
                rows.count == limit
                ? IntentCursor(createdAt: try last.decode(Date.self, "created_at"), id: try last.decode(UUID.self, "id")) : nil
            return (items, next)
        }
    }
}
