import Foundation
import Postgres
import Testing

/// What the pool does when its server changes role or place, as after a failover: the session to
/// a server that stopped taking writes is dropped, a read-only server is refused, and of several
/// hosts the one that answers as a primary serves.
@Suite("Sessions across a change of primary", .timeLimit(.minutes(3)))
struct FailoverTests {
    @Test("a write refused as read-only (25006) reads as a lost session, and the next statement runs on a new one")
    func readOnlySessionIsDiscarded() async throws {
        let pool = TestDatabase.pool(size: 1)
        let table = TestDatabase.uniqueName("read_only")
        try await pool.query(SQL(unsafeSQL: "CREATE TABLE \(table) (n int)"))
        let before = try await pool.query("SELECT pg_backend_pid() AS pid")[0].decode(Int32.self, "pid")
        // What a demoted primary's sessions see: every transaction read-only.
        try await pool.query("SET default_transaction_read_only = on")
        let error = await #expect(throws: PostgresError.self) {
            try await pool.query("INSERT INTO \(unsafeSQL: table) VALUES (1)")
        }
        #expect(error?.sqlState == "25006")
        #expect(error?.isConnectionLost == true)
        let after = try await pool.query("SELECT pg_backend_pid() AS pid")[0].decode(Int32.self, "pid")
        #expect(after != before)
        try await pool.query("INSERT INTO \(unsafeSQL: table) VALUES (2)")
        try await pool.query(SQL(unsafeSQL: "DROP TABLE \(table)"))
        await pool.close()
    }

    @Test("a database that only takes reads is refused at connect, and served again once it takes writes")
    func readOnlyServerIsRefused() async throws {
        let admin = TestDatabase.pool(size: 1)
        let name = TestDatabase.uniqueName("standby")
        try await admin.query(SQL(unsafeSQL: "CREATE DATABASE \(name)"))
        try await admin.query(SQL(unsafeSQL: "ALTER DATABASE \(name) SET default_transaction_read_only = on"))
        var configuration = PostgresConfiguration(connectionString: TestDatabase.url, maxConnections: 1)
        configuration.database = name
        let pool = ConnectionPool(configuration: configuration)
        let error = await #expect(throws: PostgresError.self) { try await pool.query("SELECT 1") }
        #expect(error?.isConnectionLost == true)
        #expect(error?.message.contains("read-only") == true, "\(String(describing: error))")

        try await admin.query(SQL(unsafeSQL: "ALTER DATABASE \(name) RESET default_transaction_read_only"))
        #expect(try await pool.query("SELECT 1 AS one")[0].decode(Int.self, "one") == 1)
        await pool.close()
        try await admin.query(SQL(unsafeSQL: "DROP DATABASE \(name)"))
        await admin.close()
    }

    @Test("of a multi-host connection string, a host that is down is skipped")
    func multiHostSkipsDownHost() async throws {
        let socket = try #require(ProcessInfo.processInfo.environment["WRIT_TEST_SOCKET_DIR"])
        let nowhere = FileManager.default.temporaryDirectory.appendingPathComponent("writ-no-server-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: nowhere, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: nowhere) }
        let pool = ConnectionPool(
            configuration: PostgresConfiguration(
                connectionString: "postgresql://postgres@/postgres?host=\(nowhere),\(socket)&connect_timeout=10", maxConnections: 1))
        let row = try await pool.query("SELECT current_setting('unix_socket_directories') AS sockets")[0]
        #expect(try row.decode(String.self, "sockets").contains(socket))
        await pool.close()
    }

    @Test("through a transaction pooler a session keeps no state: no prepared statements, no startup options")
    func transactionPoolerRouteKeepsNoState() async throws {
        var configuration = PostgresConfiguration(connectionString: TestDatabase.url, maxConnections: 1)
        configuration.route = .transactionPooler
        let pooled = ConnectionPool(configuration: configuration)
        let direct = TestDatabase.pool(size: 1)
        for pool in [pooled, direct] {
            for number in 1...3 { try await pool.query("SELECT \(number)::int AS n") }
            try await pool.transaction { transaction in
                transaction.queue("SELECT 1")
                try await transaction.execute("SELECT \(2)::int AS n")
            }
        }
        func state(_ pool: ConnectionPool) async throws -> (prepared: Int, timeout: String) {
            let row = try await pool.query(
                "SELECT (SELECT count(*) FROM pg_prepared_statements) AS prepared, current_setting('statement_timeout') AS timeout")[0]
            return (try row.decode(Int.self, "prepared"), try row.decode(String.self, "timeout"))
        }
        let pooledState = try await state(pooled)
        let directState = try await state(direct)
        #expect(pooledState.prepared == 0)
        #expect(pooledState.timeout != "30s")
        #expect(directState.prepared > 0)
        #expect(directState.timeout == "30s")
        await pooled.close()
        await direct.close()
    }
}
