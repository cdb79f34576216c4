import Foundation
import Postgres
import WritCore

/// Purges the bodies of audit events past their plan's retention (docs/audit-format.md,
/// "Retention and purge"), oldest first, and records each purge as an `audit.purged` event.
///
/// A purged event keeps its seq, time, type and hash, and the signed checkpoints stay, so the
/// chain from the first retained event still links to the hash before it. The purge boundary
/// (`audit_heads.purged_before`) only moves forward, in the transaction that purges, through
/// `advance_audit_purge` (migration 0020), which passes only over purged events and only with the
/// `audit.purged` event recording the move; the database refuses any other change to an event
/// (migration 0019) and the serving role has no UPDATE on the boundary. Safe on any number of nodes: one
/// purges a tenant at a time.
public struct AuditRetention: Sendable {
    /// One purge: the bodies of events `fromSeq..<beforeSeq` were removed.
    public struct Purge: Sendable, Equatable {
        public let tenant: UUID
        public let fromSeq: Int64
        public let beforeSeq: Int64
    }

    let database: Database
    let audit: AuditLog
    /// The most events one transaction purges; a longer backlog takes several passes.
    public let batch: Int64

    public init(database: Database, audit: AuditLog, batch: Int64 = 10_000) {
        self.database = database
        self.audit = audit
        self.batch = batch
    }

    /// One pass over every tenant whose oldest retained event is past its plan's retention.
    @discardableResult
    public func runOnce() async throws -> [Purge] {
        let due = try await database.pool.transaction { tx in
            try await tx.execute("SET LOCAL ROLE writ_job")
            return try await tx.execute(
                """
                SELECT h.tenant_id FROM audit_heads h
                JOIN tenants t ON t.id = h.tenant_id JOIN plans p ON p.id = t.plan
                WHERE p.audit_retention_days IS NOT NULL AND EXISTS (
                    SELECT 1 FROM audit_events e WHERE e.tenant_id = h.tenant_id AND e.seq = h.purged_before
                      AND e.occurred_at < now() - make_interval(days => p.audit_retention_days))
                """
            ).map { try $0.decode(UUID.self, "tenant_id") }
        }
        var purges: [Purge] = []
        for tenant in due {
            if let purge = try await purge(tenant: tenant) { purges.append(purge) }
        }
        return purges
    }

    /// Purges the next run of the tenant's events past retention (at most `batch`), if any; `nil`
    /// when nothing is due or another node is purging the tenant.
    public func purge(tenant: UUID) async throws -> Purge? {
        try await database.withTenant(tenant) { tx -> Purge? in
            // One purger per tenant (a transaction lock); appends are not held up while the bodies
            // go: the head is locked only to append audit.purged, just before the commit.
            let locked = try await tx.execute(
                "SELECT pg_try_advisory_xact_lock(hashtextextended(\("writ.audit-purge/\(tenant)"), 0)) AS locked")
            guard try locked[0].decode(Bool.self, "locked") else { return nil }
            // Events before the first one inside retention (within the next batch) are all past it,
            // whatever order their times are in.
            let row = try await tx.execute(
                """
                SELECT h.seq, h.purged_before, p.audit_retention_days,
                       (SELECT min(e.seq) FROM audit_events e
                        WHERE e.tenant_id = h.tenant_id AND e.seq >= h.purged_before AND e.seq < h.purged_before + \(batch)
                          AND e.occurred_at >= now() - make_interval(days => p.audit_retention_days)) AS kept
                FROM audit_heads h JOIN tenants t ON t.id = h.tenant_id JOIN plans p ON p.id = t.plan
                WHERE h.tenant_id = \(tenant)
                """)[0]
            guard let days = try row.decode(Int?.self, "audit_retention_days") else { return nil }
            let start = try row.decode(Int64.self, "purged_before")
            let end = min(try row.decode(Int64?.self, "kept") ?? start + batch, try row.decode(Int64.self, "seq") + 1)
            guard end > start else { return nil }
            let boundary = try await tx.execute("SELECT hash FROM audit_events WHERE tenant_id = \(tenant) AND seq = \(end - 1)")
            guard let boundaryHash = try boundary.first?.decode(String.self, "hash") else {
                throw StoreError.corrupt("audit chain gap at seq \(end - 1)")
            }
            try await tx.execute(
                """
                UPDATE audit_events SET body = NULL, actor_id = NULL, subject_id = NULL
                WHERE tenant_id = \(tenant) AND seq >= \(start) AND seq < \(end) AND body IS NOT NULL
                """)
            try await audit.append(
                AuditEvent(
                    type: .auditPurged, actor: .system,
                    data: [
                        "from_seq": .number(Double(start)), "before_seq": .number(Double(end)), "events": .number(Double(end - start)),
                        "retention_days": .number(Double(days)), "boundary_hash": .string(boundaryHash),
                    ]), tenant: tenant, in: tx)
            // Only the owner's function may move the boundary, and only over purged events (0020).
            try await tx.execute("SELECT advance_audit_purge(\(tenant)::uuid, \(end)::bigint)")
            return Purge(tenant: tenant, fromSeq: start, beforeSeq: end)
        }
    }
}
