import Foundation
import Postgres
import WritCore

/// Marks overdue pending intents `expired` (timeout means no). Safe on any number of nodes: the
/// update re-checks the state, so each intent expires once and is audited once.
public struct IntentExpiry: Sendable {
    let database: Database
    let audit: AuditLog

    public init(database: Database, audit: AuditLog) {
        self.database = database
        self.audit = audit
    }

    /// One pass; returns the intents it expired, by tenant.
    @discardableResult
    public func runOnce(limit: Int = 500) async throws -> [(tenant: UUID, intent: UUID)] {
        let due = try await database.pool.transaction { tx in
            try await tx.execute("SET LOCAL ROLE writ_job")
            return try await tx.execute(
                """
                SELECT tenant_id, id FROM intents WHERE status = 'pending_approval' AND expires_at <= now() LIMIT \(limit)
                """
            ).map { (try $0.decode(UUID.self, "tenant_id"), try $0.decode(UUID.self, "id")) }
        }
        var expired: [(UUID, UUID)] = []
        for (tenant, intent) in due {
            let changed = try await database.withTenant(tenant) { tx -> Bool in
                let updated = try await tx.execute(
                    """
                    UPDATE intents SET status = 'expired', updated_at = now()
                    WHERE tenant_id = \(tenant) AND id = \(intent) AND status = 'pending_approval' AND expires_at <= now()
                    """)
                guard updated.affectedRows == 1 else { return false }
                try await audit.append(
                    AuditEvent(type: .intentExpired, actor: .system, subject: .init(kind: .intent, id: intent.uuidString.lowercased())),
                    tenant: tenant, in: tx)
                tx.queue(NodeEventChannel.intentChanged(tenant: tenant, intent: intent))
                return true
            }
            if changed { expired.append((tenant, intent)) }
        }
        return expired
    }
}
