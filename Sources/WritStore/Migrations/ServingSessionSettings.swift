import Logging
import Postgres

/// The serving role's own settings in this database (UTC, ISO dates, the `writ` schema, a
/// statement time limit), kept by every migration run. A node connecting directly also sends them
/// at connect; behind a transaction-mode pooler it cannot, and these are what its sessions run
/// with (``SessionDefaults`` checks them at start-up).
enum ServingSessionSettings {
    static let settings = ["search_path=writ", "TimeZone=UTC", "DateStyle=ISO, YMD", "statement_timeout=30s"]

    /// Sets whatever of ``settings`` writ_app lacks in the current database; a migrating role that
    /// may not alter roles leaves a warning instead.
    static func apply(on connection: PooledConnection, logger: Logger) async throws {
        let rows = try await connection.execute(
            """
            SELECT count(*) AS present
            FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase, unnest(s.setconfig) AS setting
            WHERE d.datname = current_database() AND s.setrole = 'writ_app'::regrole AND setting = ANY(\(settings))
            """)
        guard try rows.first?.decode(Int.self, "present") != settings.count else { return }
        do {
            // Role settings are per database OID: a database copied from a template has none.
            try await connection.executeScript(
                """
                DO $$
                BEGIN
                    EXECUTE format('ALTER ROLE writ_app IN DATABASE %I SET search_path = writ', current_database());
                    EXECUTE format('ALTER ROLE writ_app IN DATABASE %I SET TimeZone = %L', current_database(), 'UTC');
                    EXECUTE format('ALTER ROLE writ_app IN DATABASE %I SET DateStyle = %L', current_database(), 'ISO, YMD');
                    EXECUTE format('ALTER ROLE writ_app IN DATABASE %I SET statement_timeout = %L', current_database(), '30s');
                END
                $$
                """)
        } catch let error as PostgresError where error.sqlState == "42501" {
            logger.warning(
                """
                the migrating role may not alter writ_app, so its session settings are unset: \
                nodes behind a transaction-mode pooler will refuse to start (docs/operations.md)
                """)
        }
    }
}
