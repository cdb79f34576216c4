import Postgres

/// Checks that serving sessions run with what Writ's SQL assumes: UTC, ISO dates and the `writ`
/// schema. A direct session sets them at connect; behind a transaction-mode pooler only the role's
/// own settings (migration 0023) can.
public enum SessionDefaults {
    /// Why sessions are unfit to serve.
    public struct MismatchError: Error, CustomStringConvertible, Sendable {
        /// Each setting found wrong, as `name=value`.
        public let found: [String]
        public var description: String {
            "Sessions of WRIT_DATABASE_URL run with \(found.joined(separator: ", ")); Writ needs TimeZone=UTC, "
                + "DateStyle=ISO, search_path=writ and a statement_timeout. Apply the migrations with a role that may "
                + "alter roles (writ migrate), or run ALTER ROLE writ_app IN DATABASE <database> SET TimeZone = 'UTC' "
                + "(and DateStyle = 'ISO, YMD', search_path = writ, statement_timeout = '30s') as such a role."
        }
    }

    static let utcZones: Set<String> = ["UTC", "Etc/UTC", "GMT", "Etc/GMT", "UCT", "Etc/UCT", "Zulu", "Universal"]

    /// Throws ``MismatchError`` unless a serving session has UTC, ISO dates and `writ` first in its path.
    public static func verify(_ pool: ConnectionPool) async throws {
        let rows = try await pool.query(
            """
            SELECT current_setting('TimeZone') AS zone, current_setting('DateStyle') AS style,
                   coalesce(current_schema(), '') AS schema, current_setting('statement_timeout') AS timeout
            """)
        guard let row = rows.first else { return }
        let zone = try row.decode(String.self, "zone")
        let style = try row.decode(String.self, "style")
        let schema = try row.decode(String.self, "schema")
        var found: [String] = []
        if !utcZones.contains(zone) { found.append("TimeZone=\(zone)") }
        if !style.hasPrefix("ISO") { found.append("DateStyle=\(style)") }
        if schema != "writ" { found.append("search_path schema=\(schema.isEmpty ? "none" : schema)") }
        let timeout = try row.decode(String.self, "timeout")
        // No limit would let one stuck statement hold a pooled session for ever.
        if timeout == "0" { found.append("statement_timeout=0") }
        guard found.isEmpty else { throw MismatchError(found: found) }
    }
}
