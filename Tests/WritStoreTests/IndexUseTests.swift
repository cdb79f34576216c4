import Foundation
import Postgres
import Testing
import WritStore
import WritTestSupport

/// Row-level security must leave the indexes usable: the hot queries and the list routes, planned
/// as `writ_app` under the tenant's RLS, on a tenant with 100,000 intents and audit events
/// beside a second busy tenant, never scan the table, never OR another policy into the tenant
/// predicate (the BitmapOr over the tenant's rows), and never bitmap-scan more than 1 % of them.
@Suite("Index use under row-level security", .timeLimit(.minutes(5)))
struct IndexUseTests {
    /// The queries the API runs on every submission, read and list, in the form the stores send.
    static let queries: [(name: String, sql: @Sendable (UUID, UUID, UUID) -> SQL)] = [
        (
            "intent by id",
            { tenant, _, intent in
                "SELECT i.id, w.jti FROM intents i LEFT JOIN warrants w ON w.tenant_id = i.tenant_id AND w.intent_id = i.id WHERE i.tenant_id = \(tenant) AND i.id = \(intent)"
            }
        ),
        (
            "idempotency key",
            { tenant, agent, _ in
                "SELECT id FROM intents WHERE tenant_id = \(tenant) AND agent_id = \(agent) AND idempotency_key = \("k-42")"
            }
        ),
        (
            "rate count, agent",
            { tenant, agent, _ in
                "SELECT count(*) FROM intents WHERE tenant_id = \(tenant) AND agent_id = \(agent) AND created_at > now() - make_interval(secs => \(3600))"
            }
        ),
        (
            "rate count, tenant",
            { tenant, _, _ in
                "SELECT count(*) FROM intents WHERE tenant_id = \(tenant) AND created_at > now() - make_interval(secs => \(3600))"
            }
        ),
        (
            "intent list",
            { tenant, _, _ in
                "SELECT i.id FROM intents i WHERE i.tenant_id = \(tenant) AND (\(nil as UUID?)::uuid IS NULL OR i.id < \(nil as UUID?)) ORDER BY i.id DESC LIMIT 51"
            }
        ),
        (
            "intent list, agent",
            { tenant, agent, _ in
                "SELECT i.id FROM intents i WHERE i.tenant_id = \(tenant) AND i.agent_id = \(agent) ORDER BY i.id DESC LIMIT 21"
            }
        ),
        (
            "intent list, team",
            { tenant, _, _ in
                "SELECT i.id FROM intents i WHERE i.tenant_id = \(tenant) AND i.team_id = \(UUID()) ORDER BY i.id DESC LIMIT 21"
            }
        ),
        (
            "approval queue",
            { tenant, _, _ in
                "SELECT i.id FROM intents i WHERE i.tenant_id = \(tenant) AND i.status = 'pending_approval' AND i.tier IN ('T1', 'T2') ORDER BY i.created_at LIMIT 400"
            }
        ),
        (
            "audit browse",
            { tenant, _, _ in
                "SELECT seq, body FROM audit_events WHERE tenant_id = \(tenant) AND seq > \(Int64(50_000)) ORDER BY seq LIMIT 101"
            }
        ),
        ("audit head", { tenant, _, _ in "SELECT seq, hash FROM audit_heads WHERE tenant_id = \(tenant) FOR UPDATE" }),
        ("warrant by jti", { tenant, _, _ in "SELECT intent_id FROM warrants WHERE tenant_id = \(tenant) AND jti = \("jti-7")" }),
        (
            "decisions so far",
            { tenant, _, intent in
                "SELECT user_id FROM approvals WHERE tenant_id = \(tenant) AND intent_id = ANY(\([intent.uuidString.lowercased()])::uuid[])"
            }
        ),
    ]

    @Test("hot queries and list routes plan with the tenant's indexes for a tenant with 100,000 intents")
    func plans() async throws {
        let database = try await TestCluster.makeMigratedDatabase()
        let admin = ConnectionPool(configuration: database.migrateConfiguration)
        let (big, other) = (UUID(), UUID())
        let (agent, team) = (UUID(), UUID())
        for (tenant, count) in [(big, 100_000), (other, 50_000)] {
            try await admin.query("INSERT INTO writ.tenants (id, name) VALUES (\(tenant), \("t"))")
            try await admin.query(
                "INSERT INTO writ.audit_heads (tenant_id, seq, hash) VALUES (\(tenant), \(count), \(String(repeating: "0", count: 64)))")
            // Intents spread over the last 60 days, mostly decided; audit events to match.
            try await admin.query(
                """
                INSERT INTO writ.intents (tenant_id, id, team_id, agent_id, action, resource, outcome, tier, status, decision, created_at, idempotency_key)
                SELECT \(tenant), gen_random_uuid(), \(team), CASE WHEN n % 10 = 0 THEN \(agent) ELSE gen_random_uuid() END, 'k8s.scale', 'prod/api', 'allow',
                       (ARRAY['T0','T1','T2','T3'])[n % 4 + 1], CASE WHEN n % 500 = 0 THEN 'pending_approval' ELSE 'approved' END, '{}',
                       now() - (n::double precision / \(count) * interval '60 days'), 'k-' || n
                FROM generate_series(1, \(count)) AS n
                """)
            try await admin.query(
                """
                INSERT INTO writ.audit_events (tenant_id, seq, occurred_at, type, actor_kind, body, hash)
                SELECT \(tenant), n, now(), 'intent.submitted', 'agent', '{}', repeat('0', 64) FROM generate_series(1, \(count)) AS n
                """)
        }
        // Warrants and decisions for the big tenant, and the chain heads of 3,000 smaller tenants.
        try await admin.query(
            """
            INSERT INTO writ.warrants (tenant_id, jti, intent_id, kid, token, expires_at)
            SELECT tenant_id, 'jti-' || row_number() OVER (), id, 'k', 'h.p.', now() FROM writ.intents WHERE tenant_id = \(big) AND status = 'approved'
            """)
        try await admin.query(
            """
            INSERT INTO writ.users (tenant_id, id, email, roles, status) VALUES (\(big), \(agent), 'a@example.com', '{approver}', 'active')
            """)
        try await admin.query(
            """
            INSERT INTO writ.approvals (tenant_id, intent_id, user_id, decision, mfa)
            SELECT tenant_id, id, \(agent), 'approve', true FROM writ.intents WHERE tenant_id = \(big) AND tier IN ('T1', 'T2')
            """)
        try await admin.query(
            """
            WITH t AS (INSERT INTO writ.tenants (id, name) SELECT gen_random_uuid(), 'small' FROM generate_series(1, 3000) RETURNING id)
            INSERT INTO writ.audit_heads (tenant_id, seq, hash) SELECT id, 0, repeat('0', 64) FROM t
            """)
        try await admin.query("ANALYZE")
        let intent = try await admin.query("SELECT id FROM writ.intents WHERE tenant_id = \(big) LIMIT 1")[0].decode(UUID.self, "id")
        await admin.close()

        let app = ConnectionPool(configuration: database.appConfiguration())
        try await app.transaction { tx in
            try await tx.execute("SELECT set_config('app.tenant_id', \(big), true)")
            for query in Self.queries {
                var explain: SQL = "EXPLAIN "
                explain.append(query.sql(big, agent, intent))
                let plan = try await tx.execute(explain).map { try $0.decode(String.self, at: 0) }.joined(separator: "\n")
                let tables = ["intents", "audit_events", "warrants", "approvals", "audit_heads"]
                let lines = plan.split(separator: "\n").filter { line in tables.contains { line.contains(" on \($0)") } }
                // A sequential scan reads the table; a bitmap scan is fine over a narrow range (the
                // planner picks it for a few dozen rows) but not over a large part of the tenant.
                let seqScans = lines.filter { $0.contains("Seq Scan on") }
                let wideBitmaps = lines.filter { $0.contains("Bitmap Heap Scan on") && Self.estimatedRows($0) > 1_000 }
                #expect(
                    seqScans.isEmpty && wideBitmaps.isEmpty && !plan.contains("BitmapOr"),
                    "\(query.name) scans instead of using an index:\n\(plan)")
                // A page of a list is read off an index in its order, never by sorting the whole history.
                if query.name.hasPrefix("intent list") {
                    #expect(!plan.contains("Sort"), "\(query.name) sorts instead of reading the page off an index:\n\(plan)")
                }
                // The serving role sees one tenant predicate: no job policy is OR-ed into its plans.
                #expect(
                    !plan.contains("OR (status") && !plan.contains("OR (sent_at") && !plan.contains("OR true"),
                    "\(query.name) plans with another policy OR-ed in:\n\(plan)")
            }
        }
        await app.close()
    }

    /// The planner's row estimate on a plan line (`rows=N`).
    static func estimatedRows(_ line: Substring) -> Int {
        guard let range = line.range(of: "rows=") else { return 0 }
        return Int(line[range.upperBound...].prefix { $0.isNumber }) ?? 0
    }
}
