import Postgres
import Testing
import WritStore
import WritTestSupport

@Suite("Schema: tenant isolation rules", .timeLimit(.minutes(3)))
struct SchemaIsolationTests {
    /// Tables that hold no tenant data, with the reason each is allowed to.
    static let sharedTables: [String: String] = [
        "plans": "reference data: the plans' quotas",
        "accounts": "logins shared by a person's memberships in several tenants (a reference table under Citus), RLS by account",
        "auth_throttle": "failed-login counters keyed by HMACs of an account or address",
        "schema_migrations": "migration bookkeeping",
        "master_key_check": "one value sealed under the nodes' master key, checked at start-up",
    ]

    @Test("every tenant table forces RLS and leads its primary and foreign keys with tenant_id")
    func everyTenantTableIsIsolated() async throws {
        let database = try await TestCluster.makeMigratedDatabase()
        let admin = ConnectionPool(configuration: database.migrateConfiguration)
        let tables = try await admin.query(
            """
            SELECT c.relname AS name, c.relrowsecurity AS rls, c.relforcerowsecurity AS forced,
                   EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped) AS has_tenant,
                   (SELECT a.attname FROM pg_constraint k JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
                    WHERE k.conrelid = c.oid AND k.contype = 'p') AS pk_first,
                   (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid) AS policies
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'writ' AND c.relkind = 'r' ORDER BY c.relname
            """)
        #expect(tables.count > 5)
        for table in tables {
            let name = try table.decode(String.self, "name")
            if Self.sharedTables[name] != nil { continue }
            let hasTenant = try table.decode(Bool.self, "has_tenant")
            #expect(hasTenant || name == "tenants", "\(name) has no tenant_id and is not a known shared table")
            #expect(try table.decode(Bool.self, "rls"), "\(name) does not enable row-level security")
            #expect(try table.decode(Bool.self, "forced"), "\(name) does not force row-level security")
            #expect(try table.decode(Int.self, "policies") >= 1, "\(name) has no policy")
            let expectedKey = name == "tenants" ? "id" : "tenant_id"
            #expect(try table.decode(String?.self, "pk_first") == expectedKey, "\(name)'s primary key does not lead with \(expectedKey)")
        }
        let foreignKeys = try await admin.query(
            """
            SELECT c.relname AS name, k.conname AS constraint_name, a.attname AS first_column, r.relname AS referenced
            FROM pg_constraint k
            JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_class r ON r.oid = k.confrelid
            JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
            WHERE n.nspname = 'writ' AND k.contype = 'f'
            """)
        #expect(!foreignKeys.isEmpty)
        for key in foreignKeys {
            let referenced = try key.decode(String.self, "referenced")
            guard Self.sharedTables[referenced] == nil else { continue }
            let label = "\(try key.decode(String.self, "name")).\(try key.decode(String.self, "constraint_name"))"
            #expect(try key.decode(String.self, "first_column") == "tenant_id", "\(label) does not lead with tenant_id")
        }
        await admin.close()
    }

    @Test("distribution-ready: every unique index of a tenant table includes tenant_id (Citus requires it)")
    func uniqueIndexesIncludeTheTenant() async throws {
        let database = try await TestCluster.makeMigratedDatabase()
        let admin = ConnectionPool(configuration: database.migrateConfiguration)
        let indexes = try await admin.query(
            """
            SELECT c.relname AS table_name, i.relname AS index_name,
                   EXISTS (SELECT 1 FROM unnest(x.indkey) AS k(attnum) JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
                           WHERE a.attname = 'tenant_id') AS has_tenant
            FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'writ' AND x.indisunique AND c.relkind = 'r'
            """)
        #expect(indexes.count > 10)
        for index in indexes {
            let table = try index.decode(String.self, "table_name")
            guard Self.sharedTables[table] == nil, table != "tenants" else { continue }
            let name = try index.decode(String.self, "index_name")
            #expect(try index.decode(Bool.self, "has_tenant"), "\(table).\(name) is unique across tenants")
        }
        await admin.close()
    }

    @Test("the serving role cannot change or delete audit events, and nobody can")
    func auditIsAppendOnly() async throws {
        let database = try await TestCluster.makeMigratedDatabase()
        let admin = ConnectionPool(configuration: database.migrateConfiguration)
        let grants = try await admin.query(
            """
            SELECT privilege_type FROM information_schema.role_table_grants
            WHERE table_schema = 'writ' AND table_name = 'audit_events' AND grantee = 'writ_app' ORDER BY privilege_type
            """)
        #expect(try grants.map { try $0.decode(String.self, "privilege_type") } == ["INSERT", "SELECT"])
        await #expect(throws: PostgresError.self) { try await admin.query("TRUNCATE writ.audit_events") }
        await admin.close()
    }
}
