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

    @Test("a database from before the check (secrets, no marker) refuses another key too, and takes the original")
    func refusesOtherKeyWithoutMarker() async throws {
        let database = try await TestCluster.makeMigratedDatabase()
        let first = TestApp.configuration(for: database)
        let app = try await WritApplication.build(configuration: first)
        try await app.test(.live) { client in _ = try await APIClient(client: client).signup() }
        let owner = ConnectionPool(configuration: database.migrateConfiguration)
        try await owner.query("DELETE FROM writ.master_key_check")
        var second = first
        second.masterKey = SecureRandom.bytes(32)
        do {
            _ = try await WritApplication.build(configuration: second)
            Issue.record("another key was taken by a database whose signing keys it cannot open")
        } catch is MasterKeyCheck.MismatchError {}
        #expect(try await owner.query("SELECT count(*) AS n FROM writ.master_key_check")[0].decode(Int.self, "n") == 0)
        _ = try await WritApplication.build(configuration: first)
        #expect(try await owner.query("SELECT count(*) AS n FROM writ.master_key_check")[0].decode(Int.self, "n") == 1)
        await owner.close()
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
            #expect(try intent.decoded(IntentBody.self).status == "approved")
        }

        // A time zone an operator set is kept by migrations, and refused at start-up, naming the fix.
        let admin = ConnectionPool(configuration: database.migrateConfiguration)
        try await admin.query(SQL(unsafeSQL: "ALTER ROLE writ_app IN DATABASE \(database.name) SET TimeZone = 'Europe/Paris'"))
        do {
            _ = try await WritApplication.build(configuration: configuration)
            Issue.record("sessions in another time zone were allowed to serve")
        } catch let error as SessionDefaults.MismatchError {
            #expect(error.description.contains("TimeZone=Europe/Paris"))
            #expect(error.description.contains("ALTER ROLE writ_app"))
        }
        // A longer statement timeout an operator chose is kept; a setting the role lacks is set
        // again by the next migration run, and the node starts.
        try await admin.query(SQL(unsafeSQL: "ALTER ROLE writ_app IN DATABASE \(database.name) RESET TimeZone"))
        try await admin.query(SQL(unsafeSQL: "ALTER ROLE writ_app IN DATABASE \(database.name) SET statement_timeout = '45s'"))
        _ = try await WritApplication.build(configuration: configuration)
        let settings = try await admin.query(
            """
            SELECT array_to_string(setconfig, '|') AS config FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase
            WHERE d.datname = \(database.name) AND s.setrole = 'writ_app'::regrole
            """)[0].decode(String.self, "config")
        #expect(settings.contains("TimeZone=UTC"))
        #expect(settings.contains("statement_timeout=45s"))
        await admin.close()
    }
}
