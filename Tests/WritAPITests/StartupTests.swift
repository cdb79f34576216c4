import Foundation
import Postgres
import Testing
import WritAPI
import WritStore
import WritTestSupport

@Suite("Start-up", .timeLimit(.minutes(3)))
struct StartupTests {
    @Test("serving through a superuser is refused, naming the problem")
    func refusesSuperuser() async throws {
        let database = try await TestCluster.makeMigratedDatabase()
        var configuration = TestApp.configuration(for: database)
        configuration.databaseURL = database.adminConnectionString
        do {
            _ = try await WritApplication.build(configuration: configuration)
            Issue.record("a superuser was allowed to serve")
        } catch let error as ServingRole.UnsafeRoleError {
            #expect(error.description.contains("superuser"))
        }
    }

    @Test("an applied migration whose file changed stops start-up, naming the file")
    func refusesChangedMigration() async throws {
        let database = try await TestCluster.makeMigratedDatabase()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("writ-sql-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: TestCluster.migrationsDirectory, to: directory)
        defer { try? FileManager.default.removeItem(at: directory) }
        let edited = directory.appendingPathComponent("0002_tenants.sql")
        try (String(contentsOf: edited, encoding: .utf8) + "\n-- a later edit\n").write(to: edited, atomically: true, encoding: .utf8)
        var configuration = TestApp.configuration(for: database)
        configuration.migrationsDirectory = directory.path
        do {
            _ = try await WritApplication.build(configuration: configuration)
            Issue.record("a changed migration was accepted")
        } catch let error as MigrationError {
            #expect(error.isChecksumMismatch)
            #expect(error.description.contains("0002_tenants.sql"))
        }
    }

    @Test("an unreachable database stops start-up with a connection error")
    func unreachableDatabase() async throws {
        let database = try await TestCluster.makeMigratedDatabase()
        var configuration = TestApp.configuration(for: database, migrate: false)
        configuration.databaseURL = "host=/nonexistent-socket-dir dbname=writ user=writ_app connect_timeout=1"
        do {
            _ = try await WritApplication.build(configuration: configuration)
            Issue.record("an unreachable database was accepted")
        } catch let error as PostgresError {
            #expect(error.isConnectionLost)
        }
    }
}
