import Foundation
import Postgres
import WritCore

extension ApprovalStore {
    /// Pending T1/T2 intents `user` may decide now, oldest first: the right role (and, for T1,
    /// membership of the agent's team unless admin), not excluded at submission, not decided yet.
    public func queue(for user: UserPrincipal, limit: Int) async throws -> [IntentRecord] {
        try await database.withTenant(user.tenantID) { tx in
            let rows = try await tx.execute(
                """
                SELECT \(IntentStore.columns),
                       EXISTS (SELECT 1 FROM team_members tm WHERE tm.tenant_id = i.tenant_id AND tm.team_id = i.team_id
                               AND tm.user_id = \(user.userID)) AS in_team
                FROM intents i
                LEFT JOIN warrants w ON w.tenant_id = i.tenant_id AND w.intent_id = i.id
                WHERE i.tenant_id = \(user.tenantID) AND i.status = 'pending_approval' AND i.tier IN ('T1', 'T2')
                  AND i.expires_at > now() AND NOT (\(user.userID) = ANY(i.excluded_approvers))
                  AND NOT EXISTS (SELECT 1 FROM approvals ap WHERE ap.tenant_id = i.tenant_id AND ap.intent_id = i.id
                                  AND ap.user_id = \(user.userID))
                ORDER BY i.created_at LIMIT \(limit * 4)
                """)
            var eligible: [IntentRecord] = []
            for row in rows where eligible.count < limit {
                let record = try IntentStore.record(row)
                let roles = Set(
                    (record.decision["approvals"]?["roles"]?.arrayValue ?? []).compactMap { $0.stringValue.flatMap(Role.init(rawValue:)) })
                guard !roles.isDisjoint(with: user.roles) else { continue }
                if record.tier == .t1, !user.roles.contains(.admin), try !row.decode(Bool.self, "in_team") { continue }
                eligible.append(record)
            }
            return eligible
        }
    }
}
