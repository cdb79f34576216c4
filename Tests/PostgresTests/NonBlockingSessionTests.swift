import Foundation
import Postgres
import Testing
import WritTestSupport

@Suite("Sessions in non-blocking mode", .timeLimit(.minutes(2)))
struct NonBlockingSessionTests {
    @Test("a statement and a script larger than the socket's buffers go out and come back whole")
    func largerThanTheSocketBuffers() async throws {
        let pool = TestDatabase.pool(size: 1)
        // 8 MiB out and 16 MiB back: libpq cannot send or read them in one go, so the session must
        // wait for the socket to drain and to fill again, several times each way.
        let text = String(repeating: "0123456789abcdef", count: 512 * 1024)
        let rows = try await pool.query("SELECT length(\(text)) AS n, \(text) || \(text) AS doubled")
        #expect(try rows[0].decode(Int.self, "n") == text.utf8.count)
        #expect(try rows[0].decode(String.self, "doubled") == text + text)
        let table = TestDatabase.uniqueName("big_script")
        try await pool.withConnection { session in
            try await session.executeScript("CREATE TABLE \(table) (n int); INSERT INTO \(table) VALUES (1); -- \(text)")
        }
        #expect(try await pool.query("SELECT count(*) AS n FROM \(unsafeSQL: table)")[0].decode(Int.self, "n") == 1)
        try await pool.query(SQL(unsafeSQL: "DROP TABLE \(table)"))
        await pool.close()
    }

    @Test("statements waiting on the server hold no thread each")
    func waitingHoldsNoThread() async throws {
        let sessions = 128
        let threadsBefore = Self.threadCount()
        let pool = TestDatabase.pool(size: sessions)
        let marker = TestDatabase.uniqueName("waiting")
        let lock = Int.random(in: 1...Int(Int32.max))
        let holder = TestDatabase.pool(size: 1)
        // The holder's session keeps the lock until it lets go: every statement below waits on it.
        try await holder.query("SELECT pg_advisory_lock(\(lock))")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 1...sessions {
                group.addTask { try await pool.query(SQL(unsafeSQL: "SELECT pg_advisory_xact_lock_shared(\(lock)) AS \(marker)")) }
            }
            // Every statement is on the server now, each on a session of its own, waiting.
            let allWaiting = try await eventually(timeout: .seconds(60), every: .milliseconds(50)) {
                let rows = try await holder.query(
                    "SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE \("%AS " + marker)")
                return try rows[0].decode(Int.self, "n") == sessions
            }
            #expect(allWaiting)
            // A blocking driver would hold one thread per waiting statement (128 more); the tests
            // running alongside add threads of their own (up to 28 seen).
            #expect(Self.threadCount() - threadsBefore < sessions / 2)
            try await holder.query("SELECT pg_advisory_unlock(\(lock))")
            try await group.waitForAll()
        }
        await pool.close()
        await holder.close()
    }

    @Test("over TLS, a non-blocking session reads answers of every size to their end")
    func tlsAnswers() async throws {
        let pool = ConnectionPool(configuration: PostgresConfiguration(connectionString: TestDatabase.tlsURL, maxConnections: 1))
        let session = try await pool.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        #expect(try session[0].decode(Bool.self, "ssl"))
        // Answers from one row to half a megabyte of small rows, across many TLS records. (PostgreSQL
        // writes records of at most 8 KiB, which libpq always reads whole; proxies that write larger
        // ones can leave bytes inside OpenSSL, which the session reads without waiting on the socket.)
        for count in stride(from: 1, through: 6_000, by: 53) {
            let rows = try await pool.query("SELECT repeat('x', 90) AS text FROM generate_series(1, \(count))")
            #expect(rows.count == count)
        }
        await pool.close()
    }

    @Test("a task cancelled while its statement runs stops waiting, and its session is discarded")
    func cancelledWhileWaiting() async throws {
        let pool = TestDatabase.pool(size: 1)
        let marker = TestDatabase.uniqueName("cancelled")
        let sleeper = Task { try await pool.query(SQL(unsafeSQL: "SELECT pg_sleep(60) AS \(marker)")) }
        let observer = TestDatabase.pool(size: 1)
        let running = try await eventually(timeout: .seconds(30)) {
            let rows = try await observer.query(
                "SELECT count(*) AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE \("%AS " + marker)")
            return try rows[0].decode(Int.self, "n") == 1
        }
        #expect(running)
        sleeper.cancel()
        await #expect(throws: CancellationError.self) { try await sleeper.value }
        // The session was discarded rather than lent again mid-statement; the next caller gets a new one.
        #expect(pool.statistics.open == 0)
        #expect(try await pool.query("SELECT 1 AS one")[0].decode(Int.self, "one") == 1)
        try await observer.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE \("%AS " + marker)")
        await pool.close()
        await observer.close()
    }

    @Test("COPY is refused with an error, and the session is not lent again")
    func copyIsRefused() async throws {
        let pool = TestDatabase.pool(size: 1)
        let first = try await pool.query("SELECT pg_backend_pid() AS pid")[0].decode(Int.self, "pid")
        await #expect(throws: PostgresError.self) { try await pool.query("COPY (SELECT 1) TO STDOUT") }
        let next = try await pool.query("SELECT pg_backend_pid() AS pid")[0].decode(Int.self, "pid")
        #expect(next != first)
        await pool.close()
    }

    private static func threadCount() -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count) ?? 0
    }
}
