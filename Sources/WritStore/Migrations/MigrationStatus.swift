import Postgres

/// How the database's applied migrations compare with the files this build carries.
public struct MigrationStatus: Sendable {
    /// Files not yet applied, in order.
    public let pending: [Migration]

    /// Whether the schema is exactly what this build expects.
    public var isCurrent: Bool { pending.isEmpty }

    /// Compares applied rows with known files; throws on a changed or unknown applied migration.
    init(applied: [(version: Int, name: String, checksum: String)], known: [Migration]) throws {
        let byVersion = Dictionary(uniqueKeysWithValues: known.map { ($0.version, $0) })
        for row in applied {
            guard let migration = byVersion[row.version] else { throw MigrationError.unknownApplied(row.version, row.name) }
            guard migration.checksum == row.checksum else { throw MigrationError.checksumMismatch(migration.fileName) }
        }
        let appliedVersions = Set(applied.map(\.version))
        pending = known.filter { !appliedVersions.contains($0.version) }
    }

    /// Reads the status through any role that may read `writ.schema_migrations`.
    public static func read(pool: ConnectionPool, known: [Migration]) async throws -> MigrationStatus {
        try await pool.withConnection { try MigrationStatus(applied: try await appliedRows($0), known: known) }
    }

    static func appliedRows(_ connection: PooledConnection) async throws -> [(version: Int, name: String, checksum: String)] {
        let exists = try await connection.execute("SELECT to_regclass('writ.schema_migrations') IS NOT NULL AS present")
        guard try exists[0].decode(Bool.self, "present") else { return [] }
        let rows = try await connection.execute("SELECT version, name, checksum FROM writ.schema_migrations ORDER BY version")
        return try rows.map {
            (try $0.decode(Int.self, "version"), try $0.decode(String.self, "name"), try $0.decode(String.self, "checksum"))
        }
    }
}
