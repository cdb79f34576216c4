import Logging
import Postgres

/// The serving role's own settings in this database (UTC, ISO dates, the `writ` schema, a
/// statement time limit), kept by every migration run. A node connecting directly also sends them
/// at connect; behind a transaction-mode pooler it cannot, and these are what its sessions run
/// with (``SessionDefaults`` checks them at start-up).
enum ServingSessionSettings {
    /// Each setting and the value it gets when the role has none (constants: they are spliced into SQL).
    static let settings: KeyValuePairs<String, String> = [
        "search_path": "writ", "TimeZone": "UTC", "DateStyle": "ISO, YMD", "statement_timeout": "30s",
    ]

    /// Sets whichever of ``settings`` writ_app has no value for in the current database — a value an
    /// operator chose (a longer statement timeout) stays; a migrating role that may not alter roles
    /// leaves a warning instead.
    static func apply(on connection: PooledConnection, logger: Logger) async throws {
        let rows = try await connection.execute(
            """
            SELECT lower(split_part(setting, '=', 1)) AS name
            FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase, unnest(s.setconfig) AS setting
            WHERE d.datname = current_database() AND s.setrole = 'writ_app'::regrole
            """)
        let present = Set(try rows.map { try $0.decode(String.self, "name") })
        let missing = settings.filter { !present.contains($0.key.lowercased()) }
        guard !missing.isEmpty else { return }
        // Role settings are per database OID: a database copied from a template has none.
        let statements = missing.map { name, value in
            "EXECUTE format('ALTER ROLE writ_app IN DATABASE %I SET \(name) = %L', current_database(), '\(value)');"
        }
        do {
            try await connection.executeScript("DO $$ BEGIN \(statements.joined(separator: " ")) END $$")
        } catch let error as PostgresError where error.sqlState == "42501" {
            logger.warning(
                """
                the migrating role may not alter writ_app (it needs CREATEROLE, and on PostgreSQL 16 also \
                ADMIN OPTION on writ_app), so its session settings are unset: nodes behind a transaction-mode \
                pooler will refuse to start (docs/operations.md)
                """)
        }
    }
}
