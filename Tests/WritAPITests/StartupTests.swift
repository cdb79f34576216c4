import Foundation
import Postgres
import Testing
import WritAPI
import WritCrypto
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

    @Test("a node started with another master key than the database's refuses to start, naming the setting")
    func refusesOtherMasterKey() async throws {
        let database = try await TestCluster.makeMigratedDatabase()
        let first = TestApp.configuration(for: database)
        _ = try await WritApplication.build(configuration: first)
        var second = first
        second.masterKey = SecureRandom.bytes(32)
        do {
            _ = try await WritApplication.build(configuration: second)
            Issue.record("a node with another master key was allowed to serve")
        } catch let error as MasterKeyCheck.MismatchError {
            #expect(error.description.contains("WRIT_MASTER_KEY"))
        }
        // The original key still starts.
        _ = try await WritApplication.build(configuration: first)
    }

    @Test("behind a transaction pooler the role's own settings serve; sessions without UTC are refused, naming the fix")
    func transactionPoolerSessionDefaults() async throws {
        let database = try await TestCluster.makeMigratedDatabase()
        var configuration = TestApp.configuration(for: database)
        configuration.databasePooler = .transaction
        configuration.listenDatabaseURL = database.appConnectionString
        let app = try await WritApplication.build(configuration: configuration)
        try await app.test(.live) { client in
            let api = APIClient(client: client)
            let signup = try await api.signup()
            let setup = try await api.agentWithKey(as: signup.credential)
            let intent = try await api.call(
                .post, "/v1/intents", as: .key(setup.key), json: #"{"action":"s3.objects.read","resource":"b/1"}"#)
            #expect(intent.status == .created)
            #expect(intent["status"] as? String == "approved")
        }

        let admin = ConnectionPool(configuration: database.migrateConfiguration)
        try await admin.query(SQL(unsafeSQL: "ALTER ROLE writ_app IN DATABASE \(database.name) SET TimeZone = 'Europe/Paris'"))
        await admin.close()
        // A node that migrates puts the setting right again; one that does not refuses to start.
        configuration.migrateOnStart = false
        do {
            _ = try await WritApplication.build(configuration: configuration)
            Issue.record("sessions in another time zone were allowed to serve")
        } catch let error as SessionDefaults.MismatchError {
            #expect(error.description.contains("TimeZone=Europe/Paris"))
            #expect(error.description.contains("ALTER ROLE writ_app"))
        }
        configuration.migrateOnStart = true
        _ = try await WritApplication.build(configuration: configuration)
    }
}
