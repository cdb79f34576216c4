import Postgres

/// Checks that the server's database role cannot bypass row-level security.
public enum ServingRole {
    /// Why a role must not serve.
    public struct UnsafeRoleError: Error, CustomStringConvertible, Sendable {
        /// The role that was refused.
        public let role: String
        /// The attributes that make it unsafe.
        public let attributes: [String]
        public var description: String {
            "WRIT_DATABASE_URL connects as \(role), which is \(attributes.joined(separator: " and ")): "
                + "row-level security would not isolate tenants. Serve as the writ_app role instead."
        }
    }

    /// Throws ``UnsafeRoleError`` when the pool's role is a superuser or has BYPASSRLS.
    public static func verify(_ pool: ConnectionPool) async throws {
        let rows = try await pool.query(
            "SELECT current_user AS role, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        guard let row = rows.first else { return }
        var attributes: [String] = []
        if try row.decode(Bool.self, "rolsuper") { attributes.append("a superuser") }
        if try row.decode(Bool.self, "rolbypassrls") { attributes.append("BYPASSRLS") }
        guard attributes.isEmpty else {
            throw UnsafeRoleError(role: try row.decode(String.self, "role"), attributes: attributes)
        }
    }
}
