import Logging
import Postgres

/// Applies `sql/` migrations in order, like sqlx: one advisory lock for the run, each file and its
/// bookkeeping row in one transaction, a SHA-256 checksum per file.
public struct Migrator: Sendable {
    /// Arbitrary but fixed: every Writ node contends for the same lock.
    static let advisoryLockKey: Int64 = 0x5752_4954_4d49_4752
    static let ownerRole = "writ_owner"

    private let pool: ConnectionPool
    private let migrations: [Migration]
    private let logger: Logger

    /// - Parameter pool: connections as a role that may create roles and own the schema.
    public init(pool: ConnectionPool, migrations: [Migration], logger: Logger = Logger(label: "writ.migrate")) {
        self.pool = pool
        self.migrations = migrations
        self.logger = logger
    }

    /// Applies every pending migration; returns the file names applied. Safe to run on many nodes at once.
    @discardableResult
    public func migrate() async throws -> [String] {
        try await pool.withConnection { connection in
            try await connection.execute("SELECT pg_advisory_lock(\(Self.advisoryLockKey))")
            do {
                try await connection.executeScript(
                    """
                    CREATE SCHEMA IF NOT EXISTS writ;
                    CREATE TABLE IF NOT EXISTS writ.schema_migrations (
                        version    integer     PRIMARY KEY,
                        name       text        NOT NULL,
                        checksum   text        NOT NULL,
                        applied_at timestamptz NOT NULL DEFAULT now()
                    );
                    """)
                let applied = try await apply(on: connection)
                try await ServingSessionSettings.apply(on: connection, logger: logger)
                try await connection.execute("SELECT pg_advisory_unlock(\(Self.advisoryLockKey))")
                return applied
            } catch {
                _ = try? await connection.execute("SELECT pg_advisory_unlock(\(Self.advisoryLockKey))")
                throw error
            }
        }
    }

    private func apply(on connection: PooledConnection) async throws -> [String] {
        let status = try MigrationStatus(applied: try await MigrationStatus.appliedRows(connection), known: migrations)
        var appliedNow: [String] = []
        for migration in status.pending {
            do {
                try await connection.executeScript("BEGIN")
                // Once 0001 has handed the schema to writ_owner, every later file runs as that role.
                let ownedByOwner =
                    try await connection.execute(
                        """
                        SELECT 1 FROM pg_namespace WHERE nspname = 'writ' AND nspowner::regrole::text = \(Self.ownerRole)
                        """
                    ).count == 1
                if ownedByOwner { try await connection.executeScript("SET LOCAL ROLE writ_owner") }
                try await connection.executeScript("SET LOCAL search_path = writ")
                try await connection.executeScript(migration.sql)
                try await connection.executeScript("RESET ROLE")
                try await connection.execute(
                    """
                    INSERT INTO writ.schema_migrations (version, name, checksum)
                    VALUES (\(migration.version), \(migration.fileName), \(migration.checksum))
                    """)
                try await connection.executeScript("COMMIT")
            } catch {
                try? await connection.executeScript("ROLLBACK")
                let reason = (error as? PostgresError).map { "\($0.message) (sqlstate \($0.sqlState ?? "none"))" } ?? "\(error)"
                throw MigrationError.failed(migration.fileName, reason)
            }
            logger.info("applied migration", metadata: ["file": "\(migration.fileName)"])
            appliedNow.append(migration.fileName)
        }
        return appliedNow
    }
}
