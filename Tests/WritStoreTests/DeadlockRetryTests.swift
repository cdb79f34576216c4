import Foundation
import Postgres
import Synchronization
import Testing
import WritStore
import WritTestSupport

@Suite("Deadlock victims are retried", .timeLimit(.minutes(1)))
struct DeadlockRetryTests {
    /// Counts a transaction body's runs and lets the two bodies meet once.
    final class Runs: Sendable {
        private let counts = Mutex([String: Int]())
        private let locked = Mutex(Set<String>())

        func start(_ name: String) -> Int {
            counts.withLock {
                $0[name, default: 0] += 1
                return $0[name]!
            }
        }
        func total() -> Int { counts.withLock { $0.values.reduce(0, +) } }
        func hold(_ name: String) { _ = locked.withLock { $0.insert(name) } }
        func both() -> Bool { locked.withLock { $0.count == 2 } }
    }

    @Test("two transactions locking two rows in opposite order both commit: the victim runs again")
    func deadlockIsRetried() async throws {
        let info = try await TestCluster.makeMigratedDatabase()
        let database = Database(pool: ConnectionPool(configuration: info.appConfiguration()))
        try await database.pool.query("INSERT INTO auth_throttle (subject, failures, window_start) VALUES ('a', 0, now()), ('b', 0, now())")
        let runs = Runs()
        let tenant = UUID()
        func body(_ name: String, first: String, second: String) async throws {
            try await database.withTenant(tenant) { tx in
                let run = runs.start(name)
                try await tx.execute("UPDATE auth_throttle SET failures = failures + 1 WHERE subject = \(first)")
                runs.hold(name)
                // The first time, wait until the other holds its first row, so the two must deadlock.
                if run == 1 { _ = try await eventually(every: .milliseconds(5)) { runs.both() } }
                try await tx.execute("UPDATE auth_throttle SET failures = failures + 1 WHERE subject = \(second)")
            }
        }
        async let one: Void = body("one", first: "a", second: "b")
        async let two: Void = body("two", first: "b", second: "a")
        _ = try await (one, two)
        #expect(runs.total() == 3)
        let rows = try await database.pool.query("SELECT failures FROM auth_throttle WHERE subject IN ('a', 'b')")
        #expect(try rows.map { try $0.decode(Int.self, "failures") } == [2, 2])
        await database.pool.close()
    }
}
