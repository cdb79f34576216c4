import Foundation
import Postgres
import Testing
import WritStore
import WritTestSupport

@Suite("Migrations", .timeLimit(.minutes(3)))
struct MigratorTests {
    private func migrations() throws -> [Migration] {
        try Migration.load(from: TestCluster.migrationsDirectory)
    }

    @Test("every file applies in order once, and a second run applies nothing")
    func appliesOnce() async throws {
        let database = try await TestCluster.makeDatabase()
        let pool = ConnectionPool(configuration: database.migrateConfiguration)
        let migrator = Migrator(pool: pool, migrations: try migrations())
        let first = try await migrator.migrate()
        #expect(first == (try migrations()).map(\.fileName))
        #expect(try await migrator.migrate().isEmpty)
        let rows = try await pool.query("SELECT version, checksum FROM writ.schema_migrations ORDER BY version")
        #expect(try rows.map { try $0.decode(Int.self, "version") } == (try migrations()).map(\.version))
        #expect(try rows.map { try $0.decode(String.self, "checksum") } == (try migrations()).map(\.checksum))
        #expect(try await MigrationStatus.read(pool: pool, known: try migrations()).isCurrent)
        await pool.close()
    }

    @Test("concurrent migrators serialize on the advisory lock and apply each file once")
    func concurrentMigrators() async throws {
        let database = try await TestCluster.makeDatabase()
        let known = try migrations()
        let applied = try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    let pool = ConnectionPool(configuration: database.migrateConfiguration)
                    defer { Task { await pool.close() } }
                    return try await Migrator(pool: pool, migrations: known).migrate()
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(applied.sorted() == known.map(\.fileName).sorted())
    }

    @Test("a changed applied file stops the run and is named")
    func checksumMismatch() async throws {
        let database = try await TestCluster.makeDatabase()
        let pool = ConnectionPool(configuration: database.migrateConfiguration)
        var known = try migrations()
        try await Migrator(pool: pool, migrations: known).migrate()
        let original = known[1]
        known[1] = Migration(version: original.version, fileName: original.fileName, sql: original.sql + "\n-- edited\n")
        do {
            try await Migrator(pool: pool, migrations: known).migrate()
            Issue.record("a changed migration was accepted")
        } catch let error as MigrationError {
            #expect(error.isChecksumMismatch)
            #expect(error.description.contains(original.fileName))
        }
        await #expect(throws: MigrationError.self) { try await MigrationStatus.read(pool: pool, known: known) }
        await pool.close()
    }

    @Test("a failing file rolls back whole and records nothing")
    func failingFileRollsBack() async throws {
        let database = try await TestCluster.makeDatabase()
        let pool = ConnectionPool(configuration: database.migrateConfiguration)
        let broken =
            try migrations() + [
                Migration(version: 9999, fileName: "9999_broken.sql", sql: "CREATE TABLE half_done (id int); SELECT * FROM missing_table;")
            ]
        do {
            try await Migrator(pool: pool, migrations: broken).migrate()
            Issue.record("a failing migration was accepted")
        } catch let error as MigrationError {
            #expect(error.description.contains("9999_broken.sql"))
        }
        let leftovers = try await pool.query("SELECT to_regclass('writ.half_done') IS NULL AS gone")
        #expect(try leftovers[0].decode(Bool.self, "gone"))
        let recorded = try await pool.query("SELECT count(*) AS n FROM writ.schema_migrations WHERE version = 9999")
        #expect(try recorded[0].decode(Int.self, "n") == 0)
        #expect(try await MigrationStatus.read(pool: pool, known: try migrations()).isCurrent)
        await pool.close()
    }

    @Test("files must be named NNNN_name.sql")
    func badFileNames() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "SELECT 1;".write(to: directory.appendingPathComponent("1_short.sql"), atomically: true, encoding: .utf8)
        #expect(throws: MigrationError.self) { try Migration.load(from: directory) }
        #expect(throws: MigrationError.self) { try Migration.load(from: directory.appendingPathComponent("missing")) }
    }
}
