import Foundation
import Logging
import Postgres

/// What the server needs of the database beyond repositories: opening and closing the pool,
/// checking the serving role, migrations and their status, pool usage for metrics.
extension Database {
    /// A pool of `writ_app` sessions (search path `writ`) for `url`, which leads to PostgreSQL or,
    /// with `transactionPooler`, to a transaction-mode pooler; the node's LISTEN session connects
    /// to `listenURL` (default `url`).
    public static func connect(
        url: String, listenURL: String? = nil, transactionPooler: Bool = false, maxConnections: Int, logger: Logger
    ) -> Database {
        var configuration = PostgresConfiguration(connectionString: url, maxConnections: maxConnections, searchPath: ["writ"])
        configuration.route = transactionPooler ? .transactionPooler : .direct
        return Database(pool: ConnectionPool(configuration: configuration, logger: logger), listenerConnectionString: listenURL)
    }

    /// Closes every session; calls waiting for one fail.
    public func close() async {
        await pool.close()
    }

    /// Refuses to serve through a role that could bypass row-level security (see ``ServingRole``)
    /// or sessions without UTC, ISO dates and the `writ` schema (see ``SessionDefaults``).
    public func verifyServingRole() async throws {
        try await ServingRole.verify(pool)
        try await SessionDefaults.verify(pool)
    }

    /// Which of `known` are applied.
    public func migrationStatus(known: [Migration]) async throws -> MigrationStatus {
        try await MigrationStatus.read(pool: pool, known: known)
    }

    /// Applies the pending migrations through `url` (a role that may create roles and own the
    /// schema); returns the files applied now.
    public static func migrate(url: String, migrations: [Migration], logger: Logger) async throws -> [String] {
        let pool = ConnectionPool(configuration: PostgresConfiguration(connectionString: url, maxConnections: 1), logger: logger)
        do {
            let applied = try await Migrator(pool: pool, migrations: migrations, logger: logger).migrate()
            await pool.close()
            return applied
        } catch {
            await pool.close()
            throw error
        }
    }

    /// Sessions open, in use and awaited, for metrics.
    public var usage: (open: Int, inUse: Int, waiting: Int) {
        let statistics = pool.statistics
        return (statistics.open, statistics.inUse, statistics.waiting)
    }

    /// Round trips made so far (a statement alone or a pipeline counts one).
    public var roundTrips: Int { pool.roundTrips }

}

/// Classifies errors from the database for the HTTP layer, which does not see the driver.
public enum DatabaseFailure {
    /// The database could not be reached or did not answer in time: the request may be retried.
    public static func isUnavailable(_ error: any Error) -> Bool {
        guard let error = error as? PostgresError else { return false }
        return error.isPoolTimeout || error.isConnectionLost || error.isStatementTimeout
    }

    /// The database refused a character of the request's data (NUL, which no text or jsonb value
    /// holds: SQLSTATE 22P05, 22021): the request's fault, never the server's.
    public static func isUnstorableCharacter(_ error: any Error) -> Bool {
        guard let state = sqlState(error) else { return false }
        return state == "22P05" || state == "22021"
    }

    /// The SQLSTATE of a database error, for logs.
    public static func sqlState(_ error: any Error) -> String? {
        (error as? PostgresError).flatMap { $0.sqlState }
    }
}

/// Secrets removed from connection strings and URLs before they are described or logged.
public enum SecretRedaction {
    public static func connectionString(_ text: String) -> String {
        Redaction.connectionString(text)
    }
}
