import Foundation
import Postgres
import Testing
import WritStore
import WritTestSupport

@Suite("Database roles", .timeLimit(.minutes(3)))
struct RoleTests {
    @Test("migrations create writ_owner owning the schema and writ_app without superuser or BYPASSRLS")
    func roleSplit() async throws {
        let database = try await TestCluster.makeMigratedDatabase()
        let admin = ConnectionPool(configuration: database.migrateConfiguration)
        let roles = try await admin.query(
            """
            SELECT rolname, rolsuper, rolbypassrls, rolcanlogin FROM pg_roles
            WHERE rolname IN ('writ_owner', 'writ_app') ORDER BY rolname
            """)
        #expect(try roles.map { try $0.decode(String.self, "rolname") } == ["writ_app", "writ_owner"])
        for role in roles {
            #expect(try !role.decode(Bool.self, "rolsuper"))
            #expect(try !role.decode(Bool.self, "rolbypassrls"))
        }
        #expect(try roles[0].decode(Bool.self, "rolcanlogin"))
        let owners = try await admin.query(
            """
            SELECT (SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = 'writ') AS schema_owner,
                   (SELECT tableowner FROM pg_tables WHERE schemaname = 'writ' AND tablename = 'tenants') AS table_owner
            """)
        #expect(try owners[0].decode(String.self, "schema_owner") == "writ_owner")
        #expect(try owners[0].decode(String.self, "table_owner") == "writ_owner")
        await admin.close()
    }

    @Test("the serving check accepts writ_app and refuses a superuser, naming it")
    func servingRoleCheck() async throws {
        let database = try await TestCluster.makeMigratedDatabase()
        let app = ConnectionPool(configuration: database.appConfiguration())
        try await ServingRole.verify(app)
        let admin = ConnectionPool(configuration: database.migrateConfiguration)
        do {
            try await ServingRole.verify(admin)
            Issue.record("a superuser was allowed to serve")
        } catch let error as ServingRole.UnsafeRoleError {
            #expect(error.role == "postgres")
            #expect(error.description.contains("superuser"))
        }
        await app.close()
        await admin.close()
    }

    @Test("writ_app sees only the tenant set in its transaction")
    func tenantRowLevelSecurity() async throws {
        let database = try await TestCluster.makeMigratedDatabase()
        let store = Database(pool: ConnectionPool(configuration: database.appConfiguration()))
        let first = UUID()
        let second = UUID()
        for (tenant, name) in [(first, "Acme"), (second, "Globex")] {
            try await store.withTenant(tenant) { tx in
                try await tx.execute("INSERT INTO tenants (id, name) VALUES (\(tenant), \(name))")
            }
        }
        let seen = try await store.withTenant(first) { tx in
            try await tx.execute("SELECT name FROM tenants").map { try $0.decode(String.self, "name") }
        }
        #expect(seen == ["Acme"])
        let outside = try await store.pool.query("SELECT count(*) AS n FROM tenants")
        #expect(try outside[0].decode(Int.self, "n") == 0)
        await #expect(throws: PostgresError.self) {
            try await store.withTenant(first) { tx in
                try await tx.execute("INSERT INTO tenants (id, name) VALUES (\(second), \("Forged"))")
            }
        }
        await #expect(throws: PostgresError.self) {
            try await store.pool.query("DELETE FROM tenants")
        }
        await store.pool.close()
    }
}
