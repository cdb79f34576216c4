import Foundation
import Postgres
import WritCore

/// What benchmarks need written straight into the chain tables: tenants with ids pgbench can
/// compute too (`md5('writ-bench-' || n)::uuid`), and long valid chains. The rest of the
/// fixtures (tenants with agents and keys, made through the store's own calls) are in WritBench.
public enum AuditBenchFixture {
    /// Creates (or reuses) tenants 1…`count` with empty chains; returns their ids.
    public static func tenants(_ count: Int, database: Database) async throws -> [UUID] {
        var ids: [UUID] = []
        for number in 1...count {
            let id = try await database.pool.query("SELECT md5('writ-bench-' || \(number))::uuid AS id")[0].decode(UUID.self, "id")
            try await database.withTenant(id) { tx in
                let exists = try await tx.execute("SELECT 1 FROM tenants WHERE id = \(id)")
                guard exists.isEmpty else { return }
                try await tx.execute("INSERT INTO tenants (id, name) VALUES (\(id), \("bench \(number)"))")
                try await AuditLog().start(tenant: id, in: tx)
            }
            ids.append(id)
        }
        return ids
    }

    /// Appends `events` filler events to `tenant`'s chain in transactions of 5,000, as valid links
    /// (checkpoints included when the log has signing keys).
    public static func fillChain(tenant: UUID, events: Int, audit: AuditLog, database: Database) async throws {
        var written = 0
        while written < events {
            let batch = min(5_000, events - written)
            try await database.withTenant(tenant) { tx in
                let head = try await audit.lockHead(tenant: tenant, in: tx)
                let filler = (0..<batch).map { index in
                    AuditEvent(type: .benchFiller, actor: .system, data: ["n": .number(Double(written + index))])
                }
                let planned = try await audit.statements(appending: filler, tenant: tenant, after: head, in: tx)
                try await tx.pipeline(planned.statements)
            }
            written += batch
        }
    }
}
