import Foundation
import Postgres
import Testing
import WritTestSupport

@Suite("Sessions in non-blocking mode", .timeLimit(.minutes(3)))
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
        let sessions = 48
        let threadsBefore = Self.threadCount()
        let pool = TestDatabase.pool(size: sessions)
        let marker = TestDatabase.uniqueName("waiting")
        let observer = TestDatabase.pool(size: 1)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 1...sessions {
                group.addTask { try await pool.query(SQL(unsafeSQL: "SELECT pg_sleep(2) AS \(marker)")) }
            }
            // Every statement is on the server now, each on a session of its own.
            let allWaiting = try await eventually(timeout: .seconds(60), every: .milliseconds(50)) {
                let rows = try await observer.query(
                    "SELECT count(*) AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE \("%AS " + marker)")
                return try rows[0].decode(Int.self, "n") == sessions
            }
            #expect(allWaiting)
            // A blocking driver would hold one thread per waiting statement (48 more); other tests
            // running meanwhile add a few threads of their own.
            #expect(Self.threadCount() - threadsBefore < sessions / 2)
            try await group.waitForAll()
        }
        await pool.close()
        await observer.close()
    }

    private static func threadCount() -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count) ?? 0
    }
}
