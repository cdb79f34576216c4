import Foundation
import Logging
import Postgres
import WritCore

/// Signs a checkpoint for every chain that grew and has had none for `interval`.
///
/// Safe on any number of nodes: each tenant's checkpoint is written under its chain head's row
/// lock (`SKIP LOCKED`, so a busy chain is simply taken next round) after re-checking the
/// condition, so one checkpoint is made once.
public struct AuditCheckpointer: Sendable {
    let database: Database
    let audit: AuditLog
    /// The longest a growing chain goes without a checkpoint.
    public let interval: TimeInterval

    public init(database: Database, audit: AuditLog, interval: TimeInterval = 60) {
        self.database = database
        self.audit = audit
        self.interval = interval
    }

    /// One pass over all tenants; returns how many checkpoints it wrote.
    @discardableResult
    public func runOnce() async throws -> Int {
        let due = try await database.pool.transaction { tx in
            try await tx.execute("SET LOCAL ROLE writ_job")
            return try await tx.execute(
                """
                SELECT tenant_id FROM audit_heads
                WHERE seq > checkpoint_seq AND (checkpoint_at IS NULL OR checkpoint_at <= now() - make_interval(secs => \(interval)))
                """
            ).map { try $0.decode(UUID.self, "tenant_id") }
        }
        var written = 0
        for tenant in due {
            let wrote = try await database.withTenant(tenant) { tx -> Bool in
                guard let head = try? await audit.lockHead(tenant: tenant, in: tx, skipLocked: true) else { return false }
                let cutoff = Date().addingTimeInterval(-interval)
                guard head.seq > head.checkpointSeq, head.checkpointAt.map({ $0 <= cutoff }) ?? true else { return false }
                try await audit.checkpoint(tenant: tenant, head: head, in: tx)
                return true
            }
            if wrote { written += 1 }
        }
        return written
    }
}
