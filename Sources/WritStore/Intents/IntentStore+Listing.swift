import Foundation
import Postgres
import WritCore

extension IntentStore {
    /// The tenant's intents, newest first, narrowed by `filter`; `before` is the last id of the
    /// previous page (ids are time-ordered UUIDv7s).
    public func list(tenant: UUID, filter: IntentFilter, before: UUID?, limit: Int) async throws -> Page<IntentRecord> {
        try await database.withTenant(tenant) { tx in
            let rows = try await tx.execute(
                """
                SELECT \(Self.columns) FROM intents i LEFT JOIN warrants w ON w.tenant_id = i.tenant_id AND w.intent_id = i.id
                WHERE i.tenant_id = \(tenant)
                  AND (\(before)::uuid IS NULL OR i.id < \(before))
                  AND (\(filter.status?.rawValue)::text IS NULL OR i.status = \(filter.status?.rawValue))
                  AND (\(filter.tier?.rawValue)::text IS NULL OR i.tier = \(filter.tier?.rawValue))
                  AND (\(filter.teamID)::uuid IS NULL OR i.team_id = \(filter.teamID))
                  AND (\(filter.agentID)::uuid IS NULL OR i.agent_id = \(filter.agentID))
                  AND (\(filter.since)::timestamptz IS NULL OR i.created_at >= \(filter.since))
                  AND (\(filter.until)::timestamptz IS NULL OR i.created_at < \(filter.until))
                ORDER BY i.id DESC LIMIT \(limit + 1)
                """)
            let records = try rows.map { try Self.record($0) }
            guard records.count > limit else { return Page(items: records, nextCursor: nil) }
            let kept = Array(records.prefix(limit))
            return Page(items: kept, nextCursor: kept.last.map { PageRequest.cursor(after: $0.id) })
        }
    }

    /// The decisions people have recorded on each of `intents`, oldest first.
    public func decisions(tenant: UUID, intents: [UUID]) async throws -> [UUID: [IntentDecisionEntry]] {
        guard !intents.isEmpty else { return [:] }
        return try await database.withTenant(tenant) { tx in
            let rows = try await tx.execute(
                """
                SELECT ap.intent_id, ap.user_id, u.email, ap.decision, ap.comment, ap.mfa, ap.created_at
                FROM approvals ap JOIN users u ON u.tenant_id = ap.tenant_id AND u.id = ap.user_id
                WHERE ap.tenant_id = \(tenant) AND ap.intent_id = ANY(\(intents.map { $0.uuidString.lowercased() })::uuid[])
                ORDER BY ap.created_at, ap.user_id
                """)
            var byIntent: [UUID: [IntentDecisionEntry]] = [:]
            for row in rows {
                byIntent[try row.decode(UUID.self, "intent_id"), default: []].append(
                    IntentDecisionEntry(
                        userID: try row.decode(UUID.self, "user_id"), email: try row.decode(String.self, "email"),
                        decision: try row.decodeCase(ApprovalDecision.self, "decision"),
                        comment: try row.decode(String?.self, "comment"), mfa: try row.decode(Bool.self, "mfa"),
                        at: try row.decode(Date.self, "created_at")))
            }
            return byIntent
        }
    }
}
