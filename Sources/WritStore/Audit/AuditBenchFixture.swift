import Foundation
import Postgres
import WritCore

/// Tenants for benchmarks, with ids pgbench can compute too: `md5('writ-bench-' || n)::uuid`.
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
}
