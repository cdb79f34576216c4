import Foundation
import Postgres
import Testing

@Suite("Queries, binds and decoding", .timeLimit(.minutes(3)))
struct QueryTests {
    @Test("interpolated values become binds, never SQL text")
    func interpolationBinds() {
        let hostile = "x'; DROP TABLE tenants; --"
        let sql: SQL = "SELECT * FROM t WHERE a = \(hostile) AND b = \(42) AND c = \(String?.none)"
        #expect(sql.text == "SELECT * FROM t WHERE a = $1 AND b = $2 AND c = $3")
        #expect(sql.binds == [hostile, "42", nil])
        #expect(!sql.description.contains("DROP"))
    }

    @Test("nested fragments are renumbered")
    func fragmentRenumbering() {
        let condition: SQL = "a = \(1) AND b = \(2)"
        let sql: SQL = "SELECT 1 WHERE x = \(0) AND \(condition) AND z = \(3)"
        #expect(sql.text == "SELECT 1 WHERE x = $1 AND a = $2 AND b = $3 AND z = $4")
        #expect(sql.binds == ["0", "1", "2", "3"])
    }

    @Test("every supported type survives a round trip through the server")
    func roundTrips() async throws {
        let pool = TestDatabase.pool(size: 1)
        let id = UUID()
        let when = Date(timeIntervalSince1970: 1_795_000_000.123456)
        let bytes = Bytea([0, 1, 2, 0xfe, 0xff])
        let text = "tenant \"ünïcødé\" ' \\ 🚀"
        let rows = try await pool.query(
            """
            SELECT \(text)::text AS text, \(Int64.max)::bigint AS big, \(-7)::int AS small, \(true)::bool AS flag,
                   \(2.5)::float8 AS double, \(id)::uuid AS id, \(when)::timestamptz AS at, \(bytes)::bytea AS raw,
                   \(JSONText(#"{"a": [1, 2]}"#))::jsonb AS doc, NULL::text AS missing, \(["a", "b\"c"])::text[] AS list
            """)
        let row = rows[0]
        #expect(try row.decode(String.self, "text") == text)
        #expect(try row.decode(Int64.self, "big") == Int64.max)
        #expect(try row.decode(Int.self, "small") == -7)
        #expect(try row.decode(Bool.self, "flag"))
        #expect(try row.decode(Double.self, "double") == 2.5)
        #expect(try row.decode(UUID.self, "id") == id)
        let decodedDate = try row.decode(Date.self, "at")
        #expect(abs(decodedDate.timeIntervalSince1970 - when.timeIntervalSince1970) < 0.000_001)
        #expect(try row.decode(Bytea.self, "raw") == bytes)
        #expect(try row.decode(JSONText.self, "doc").text == #"{"a": [1, 2]}"#)
        #expect(try row.decode(String?.self, "missing") == nil)
        #expect(try row.decode(String.self, "list") == #"{a,"b\"c"}"#)
        #expect(throws: PostgresError.self) { try row.decode(Int.self, "text") }
        #expect(throws: PostgresError.self) { try row.decode(String.self, "missing") }
        #expect(throws: PostgresError.self) { try row.decode(String.self, "no_such_column") }
        await pool.close()
    }

    @Test("errors carry their SQLSTATE and are classified")
    func errorsCarrySQLState() async throws {
        let pool = TestDatabase.pool(size: 1)
        // Only the statement meant to time out runs with a short limit: on a loaded machine even
        // CREATE TABLE can take longer than 100 ms.
        let impatient = TestDatabase.pool(size: 1, statementTimeout: .milliseconds(100))
        let table = TestDatabase.uniqueName("errors")
        try await pool.query(SQL(unsafeSQL: "CREATE TABLE \(table) (id int PRIMARY KEY)"))
        try await pool.query("INSERT INTO \(unsafeSQL: table) VALUES (\(1))")
        do {
            try await pool.query("INSERT INTO \(unsafeSQL: table) VALUES (\(1))")
            Issue.record("a duplicate key was accepted")
        } catch let error as PostgresError {
            #expect(error.sqlState == "23505")
            #expect(error.isUniqueViolation)
        }
        do {
            try await pool.query("SELEKT 1")
            Issue.record("a syntax error was accepted")
        } catch let error as PostgresError {
            #expect(error.sqlState == "42601")
        }
        do {
            try await impatient.query("SELECT pg_sleep(2)")
            Issue.record("the statement timeout did not fire")
        } catch let error as PostgresError {
            #expect(error.isStatementTimeout)
        }
        do {
            try await pool.query("SELECT \("secret-value")::int")
            Issue.record("a bad cast was accepted")
        } catch let error as PostgresError {
            #expect(error.sqlState == "22P02")
            #expect(!error.description.contains("SELECT"))
        }
        try await pool.query(SQL(unsafeSQL: "DROP TABLE \(table)"))
        await pool.close()
        await impatient.close()
    }

    @Test("prepared statements are reused across calls with different binds")
    func preparedStatementReuse() async throws {
        let pool = TestDatabase.pool(size: 1)
        for value in 0..<20 {
            let rows = try await pool.query("SELECT \(value)::int * 2 AS doubled")
            #expect(try rows[0].decode(Int.self, "doubled") == value * 2)
        }
        let prepared = try await pool.query("SELECT count(*) AS n FROM pg_prepared_statements WHERE statement LIKE 'SELECT $1::int * 2%'")
        #expect(try prepared[0].decode(Int.self, "n") == 1)
        await pool.close()
    }
}
