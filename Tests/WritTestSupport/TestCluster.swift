import Foundation
import Postgres
import WritStore

/// The throwaway cluster `scripts/test` starts, and fresh databases in it.
public enum TestCluster {
    /// A superuser URL for the cluster; tests fail loudly without it.
    public static var adminURL: String {
        guard let url = ProcessInfo.processInfo.environment["WRIT_TEST_DATABASE_URL"] else {
            fatalError("WRIT_TEST_DATABASE_URL is not set: run the suite through scripts/test")
        }
        return url
    }

    /// The repository's `sql/` directory.
    public static let migrationsDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("sql")

    /// The repository's `web-static/` directory.
    public static let staticDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("web-static")

    /// Creates an empty database that no other test uses, as a copy of `template` when given.
    public static func makeDatabase(template: String? = nil) async throws -> TestDatabaseInfo {
        let name = "writ_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        let admin = ConnectionPool(configuration: PostgresConfiguration(connectionString: adminURL, maxConnections: 1))
        do {
            try await admin.query(SQL(unsafeSQL: "CREATE DATABASE \(name)" + (template.map { " TEMPLATE \($0)" } ?? "")))
        } catch {
            await admin.close()
            throw error
        }
        await admin.close()
        return TestDatabaseInfo(name: name)
    }

    /// Creates a database with every migration applied: a copy of one database this process
    /// migrated once, so a hundred tests starting together do not migrate a hundred times.
    public static func makeMigratedDatabase() async throws -> TestDatabaseInfo {
        try await makeDatabase(template: try await MigratedTemplate.shared.name())
    }
}

/// The one migrated database a test process copies; made on first use.
private actor MigratedTemplate {
    static let shared = MigratedTemplate()
    private var made: Task<String, any Error>?

    func name() async throws -> String {
        if let made { return try await made.value }
        let task = Task {
            let database = try await TestCluster.makeDatabase()
            let pool = ConnectionPool(configuration: database.migrateConfiguration)
            do {
                try await Migrator(pool: pool, migrations: try Migration.load(from: TestCluster.migrationsDirectory)).migrate()
            } catch {
                await pool.close()
                throw error
            }
            await pool.close()
            return database.name
        }
        made = task
        return try await task.value
    }
}

/// One test's private database and how to reach it as the migrating and the serving role.
public struct TestDatabaseInfo: Sendable {
    /// The database name.
    public let name: String

    /// As the cluster's superuser, which migrations run as.
    public var migrateConfiguration: PostgresConfiguration {
        var configuration = PostgresConfiguration(connectionString: TestCluster.adminURL, maxConnections: 2)
        configuration.database = name
        // Fixtures (100,000 intents and their indexes) may take long while the whole suite shares
        // two cores; the server's 30 s bound is not what they test.
        configuration.statementTimeout = .seconds(300)
        return configuration
    }

    /// As `writ_app`, which the server serves as. Callers queue for a connection up to a minute:
    /// stress tests hold every connection on one chain head while the whole suite shares two cores,
    /// and what they check is the chain, not how fast the pool hands out connections.
    public func appConfiguration(maxConnections: Int = 4) -> PostgresConfiguration {
        var configuration = PostgresConfiguration(
            connectionString: TestCluster.adminURL, maxConnections: maxConnections, acquireTimeout: .seconds(60), searchPath: ["writ"])
        configuration.database = name
        configuration.user = "writ_app"
        return configuration
    }

    /// The serving role's connection string as a libpq key/value conninfo.
    public var appConnectionString: String { connectionString(user: "writ_app") }

    /// The superuser's connection string as a libpq key/value conninfo.
    public var adminConnectionString: String { connectionString(user: "postgres") }

    private func connectionString(user: String) -> String {
        let socket = ProcessInfo.processInfo.environment["WRIT_TEST_SOCKET_DIR"] ?? "/tmp"
        return "host=\(socket) dbname=\(name) user=\(user) connect_timeout=30"
    }
}
