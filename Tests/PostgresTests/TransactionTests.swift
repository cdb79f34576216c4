import Postgres
import Testing

@Suite("Transactions", .timeLimit(.minutes(3)))
struct TransactionTests {
    private struct Abort: Error {}

    @Test("a thrown error rolls back everything the transaction wrote")
    func rollbackOnError() async throws {
        let pool = TestDatabase.pool(size: 2)
        let table = TestDatabase.uniqueName("tx")
        try await pool.query(SQL(unsafeSQL: "CREATE TABLE \(table) (id int PRIMARY KEY)"))
        await #expect(throws: Abort.self) {
            try await pool.transaction { tx in
                try await tx.execute("INSERT INTO \(unsafeSQL: table) VALUES (\(1))")
                throw Abort()
            }
        }
        let count = try await pool.query("SELECT count(*) AS n FROM \(unsafeSQL: table)")[0].decode(Int.self, "n")
        #expect(count == 0)
        try await pool.transaction { tx in
            try await tx.execute("INSERT INTO \(unsafeSQL: table) VALUES (\(1))")
            try await tx.execute("INSERT INTO \(unsafeSQL: table) VALUES (\(2))")
        }
        let committed = try await pool.query("SELECT count(*) AS n FROM \(unsafeSQL: table)")[0].decode(Int.self, "n")
        #expect(committed == 2)
        try await pool.query(SQL(unsafeSQL: "DROP TABLE \(table)"))
        await pool.close()
    }

    @Test("a failing statement names its step and the pooled session is usable afterwards")
    func failingStepIsNamed() async throws {
        let pool = TestDatabase.pool(size: 1)
        let table = TestDatabase.uniqueName("tx_step")
        try await pool.query(SQL(unsafeSQL: "CREATE TABLE \(table) (id int PRIMARY KEY)"))
        do {
            try await pool.transaction { tx in
                try await tx.execute("INSERT INTO \(unsafeSQL: table) VALUES (\(1))")
                try await tx.execute("INSERT INTO \(unsafeSQL: table) VALUES (\(2))")
                try await tx.execute("INSERT INTO \(unsafeSQL: table) VALUES (\(1))")
            }
            Issue.record("the duplicate insert was accepted")
        } catch let error as PostgresError {
            #expect(error.isUniqueViolation)
            #expect(error.context == "statement 3 of transaction")
        }
        let count = try await pool.query("SELECT count(*) AS n FROM \(unsafeSQL: table)")[0].decode(Int.self, "n")
        #expect(count == 0)
        try await pool.query(SQL(unsafeSQL: "DROP TABLE \(table)"))
        await pool.close()
    }

    @Test("a deferred constraint failing at commit names the commit step")
    func commitFailureIsNamed() async throws {
        let pool = TestDatabase.pool(size: 1)
        let table = TestDatabase.uniqueName("tx_commit")
        try await pool.query(SQL(unsafeSQL: "CREATE TABLE \(table) (id int, UNIQUE (id) DEFERRABLE INITIALLY DEFERRED)"))
        do {
            try await pool.transaction { tx in
                try await tx.execute("INSERT INTO \(unsafeSQL: table) VALUES (\(1)), (\(1))")
            }
            Issue.record("the deferred violation was committed")
        } catch let error as PostgresError {
            #expect(error.isUniqueViolation)
            #expect(error.context == "commit")
        }
        try await pool.query(SQL(unsafeSQL: "DROP TABLE \(table)"))
        await pool.close()
    }
}
