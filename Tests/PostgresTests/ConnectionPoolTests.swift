import Foundation
import Postgres
import Testing
import WritTestSupport

@Suite("Connection pool", .timeLimit(.minutes(3)))
struct ConnectionPoolTests {
    @Test("64 concurrent tasks share a pool of 4 and every query completes")
    func concurrentTasksOverSmallPool() async throws {
        let pool = TestDatabase.pool(size: 4)
        let table = TestDatabase.uniqueName("pool_load")
        try await pool.query(SQL(unsafeSQL: "CREATE TABLE \(table) (n int PRIMARY KEY, backend int NOT NULL)"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for number in 1...64 {
                group.addTask {
                    try await pool.query("SELECT pg_sleep(0.01)")
                    try await pool.query("INSERT INTO \(unsafeSQL: table) (n, backend) VALUES (\(number), pg_backend_pid())")
                }
            }
            try await group.waitForAll()
        }
        let rows = try await pool.query("SELECT count(*) AS rows, count(DISTINCT backend) AS backends FROM \(unsafeSQL: table)")
        #expect(try rows[0].decode(Int.self, "rows") == 64)
        #expect(try rows[0].decode(Int.self, "backends") <= 4)
        #expect(pool.statistics.open <= 4)
        #expect(pool.statistics.inUse == 0)
        try await pool.query(SQL(unsafeSQL: "DROP TABLE \(table)"))
        await pool.close()
    }

    @Test("a caller waiting longer than the acquire timeout gets a pool timeout")
    func acquireTimeout() async throws {
        let pool = TestDatabase.pool(size: 1, acquireTimeout: .milliseconds(200))
        async let holder: Void = pool.withConnection { connection in
            try await connection.execute("SELECT pg_sleep(1)")
        }
        #expect(try await eventually(every: .milliseconds(5)) { pool.statistics.inUse == 1 })
        await #expect(throws: PostgresError.self) {
            do {
                try await pool.query("SELECT 1")
            } catch let error as PostgresError {
                #expect(error.isPoolTimeout)
                throw error
            }
        }
        try await holder
        try await pool.query("SELECT 1")
        await pool.close()
    }

    @Test("a backend killed with pg_terminate_backend is replaced on the next query")
    func terminatedBackendIsRecovered() async throws {
        let pool = TestDatabase.pool(size: 1)
        let killer = TestDatabase.pool(size: 1)
        let before = try await pool.query("SELECT pg_backend_pid() AS pid")[0].decode(Int32.self, "pid")
        try await killer.query("SELECT pg_terminate_backend(\(before))")
        // Wait until the server has really ended the backend.
        #expect(
            try await eventually(every: .milliseconds(20)) {
                try await killer.query("SELECT count(*) AS n FROM pg_stat_activity WHERE pid = \(before)")[0].decode(Int.self, "n") == 0
            })
        let after = try await pool.query("SELECT pg_backend_pid() AS pid")[0].decode(Int32.self, "pid")
        #expect(after != before)
        #expect(pool.statistics.open == 1)
        await pool.close()
        await killer.close()
    }

    @Test("a session killed during a statement fails that statement as connection lost, then the pool recovers")
    func killedDuringStatement() async throws {
        let pool = TestDatabase.pool(size: 1)
        let killer = TestDatabase.pool(size: 1)
        let pid = try await pool.query("SELECT pg_backend_pid() AS pid")[0].decode(Int32.self, "pid")
        let victim = Task { try await pool.query("SELECT pg_sleep(5)") }
        // The statement is running once the server says so.
        #expect(
            try await eventually(every: .milliseconds(20)) {
                try await killer.query(
                    "SELECT count(*) AS n FROM pg_stat_activity WHERE pid = \(pid) AND query LIKE '%pg_sleep%' AND state = 'active'")[0]
                    .decode(Int.self, "n") == 1
            })
        try await killer.query("SELECT pg_terminate_backend(\(pid))")
        await #expect(throws: PostgresError.self) {
            do {
                _ = try await victim.value
            } catch let error as PostgresError {
                #expect(error.isConnectionLost)
                throw error
            }
        }
        let rows = try await pool.query("SELECT 41 + 1 AS answer")
        #expect(try rows[0].decode(Int.self, "answer") == 42)
        await pool.close()
        await killer.close()
    }

    @Test("a closed pool refuses work")
    func closedPool() async throws {
        let pool = TestDatabase.pool(size: 2)
        try await pool.query("SELECT 1")
        await pool.close()
        await #expect(throws: PostgresError.self) { try await pool.query("SELECT 1") }
    }
}
