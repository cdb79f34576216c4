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

@Suite("Pipelines", .timeLimit(.minutes(3)))
struct PipelineTests {
    @Test("a transaction's BEGIN, queued settings and statements travel together, and commit rides with the last ones")
    func oneRoundTrip() async throws {
        let pool = TestDatabase.pool(size: 1)
        let table = TestDatabase.uniqueName("pipe")
        try await pool.query(SQL(unsafeSQL: "CREATE TABLE \(table) (id int PRIMARY KEY, note text)"))
        let before = pool.roundTrips
        let rows = try await pool.transaction { tx in
            tx.queue("SELECT set_config('app.note', \("piped"), true)")
            let inserted = try await tx.pipeline([
                "INSERT INTO \(unsafeSQL: table) VALUES (\(1), current_setting('app.note'))",
                "INSERT INTO \(unsafeSQL: table) VALUES (\(2), \("two")) RETURNING id",
            ])
            #expect(inserted.map(\.affectedRows) == [1, 1])
            return try await tx.commit(after: ["SELECT count(*) AS n FROM \(unsafeSQL: table)"])
        }
        // One round trip for BEGIN + setting + two inserts, one for the count + COMMIT.
        #expect(pool.roundTrips - before == 2)
        #expect(try rows[0][0].decode(Int.self, "n") == 2)
        let note = try await pool.query("SELECT note FROM \(unsafeSQL: table) WHERE id = \(1)")[0].decode(String.self, "note")
        #expect(note == "piped")
        try await pool.query(SQL(unsafeSQL: "DROP TABLE \(table)"))
        await pool.close()
    }

    @Test("a failing statement in a pipeline stops the ones after it, rolls the transaction back, and leaves the session usable")
    func failureInPipeline() async throws {
        let pool = TestDatabase.pool(size: 1)
        let table = TestDatabase.uniqueName("pipe_fail")
        try await pool.query(SQL(unsafeSQL: "CREATE TABLE \(table) (id int PRIMARY KEY)"))
        await #expect(throws: PostgresError.self) {
            try await pool.transaction { tx in
                try await tx.pipeline([
                    "INSERT INTO \(unsafeSQL: table) VALUES (\(1))",
                    "INSERT INTO \(unsafeSQL: table) VALUES (\(1))",
                    "INSERT INTO \(unsafeSQL: table) VALUES (\(3))",
                ])
            }
        }
        // A statement that never prepared (a syntax error) is not remembered as prepared.
        await #expect(throws: PostgresError.self) {
            try await pool.transaction { tx in try await tx.pipeline(["SELEC 1", "SELECT 2"]) }
        }
        let count = try await pool.query("SELECT count(*) AS n FROM \(unsafeSQL: table)")[0].decode(Int.self, "n")
        #expect(count == 0)
        try await pool.transaction { tx in try await tx.pipeline(["INSERT INTO \(unsafeSQL: table) VALUES (\(5))", "SELECT 1"]) }
        let after = try await pool.query("SELECT count(*) AS n FROM \(unsafeSQL: table)")[0].decode(Int.self, "n")
        #expect(after == 1)
        try await pool.query(SQL(unsafeSQL: "DROP TABLE \(table)"))
        await pool.close()
    }
}
