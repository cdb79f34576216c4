import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import WritAPI
import WritCrypto
import WritTestSupport

/// Builds a Writ server over a fresh database, as `writ serve` would.
enum TestApp {
    /// Where every test server writes mail unless a test names its own directory.
    static let sharedMailDirectory = mailDirectory()

    static func configuration(for database: TestDatabaseInfo, migrate: Bool = true) -> WritConfiguration {
        var configuration = WritConfiguration(
            databaseURL: database.appConnectionString,
            migrateDatabaseURL: database.adminConnectionString,
            httpHost: "127.0.0.1", httpPort: 0,
            publicURL: URL(string: "http://127.0.0.1:8080"),
            masterKey: SecureRandom.bytes(32), logLevel: .warning,
            staticDirectory: TestCluster.staticDirectory.path,
            migrationsDirectory: TestCluster.migrationsDirectory.path,
            migrateOnStart: migrate, databasePoolSize: 4)
        configuration.mailDirectory = sharedMailDirectory.path
        configuration.mailInterval = .milliseconds(50)
        return configuration
    }

    /// Runs `body` against two live nodes sharing one fresh database and master key, as a
    /// deployment behind a load balancer would; `configureFirst` adjusts the first node alone.
    static func withTwoNodes(
        configureFirst: (inout WritConfiguration) -> Void = { _ in },
        _ body: @escaping @Sendable (APIClient, APIClient) async throws -> Void
    ) async throws {
        let database = try await TestCluster.makeMigratedDatabase()
        var configuration = configuration(for: database)
        configuration.metricsToken = metricsToken
        var second = configuration
        second.migrateOnStart = false
        configureFirst(&configuration)
        let nodeA = try await WritApplication.build(configuration: configuration)
        let nodeB = try await WritApplication.build(configuration: second)
        try await nodeA.test(.live) { clientA in
            try await nodeB.test(.live) { clientB in try await body(APIClient(client: clientA), APIClient(client: clientB)) }
        }
    }

    /// The `.eml` files in `directory` (of one `X-Writ-Kind` when given) once at least `count`
    /// have been written (or what is there after 10 s).
    static func mailFiles(in directory: URL, count: Int, kind: String? = nil) async throws -> [String] {
        var texts: [String] = []
        _ = try await eventually(every: .milliseconds(100)) {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path))?.filter { $0.hasSuffix(".eml") } ?? []
            texts = try files.map { try String(contentsOfFile: directory.appendingPathComponent($0).path, encoding: .utf8) }
                .filter { text in kind.map { text.contains("X-Writ-Kind: \($0)\r\n") } ?? true }
            return texts.count >= count
        }
        return texts
    }

    /// Puts `tenant` on a plan of its own with these limits (as an operator would in the database),
    /// so a test need not exhaust the free plan's.
    static func usePlan(
        _ name: String, agents: Int = 5, intentsPerMonth: Int = 10_000, requestsPerSecond: Int = 50, burst: Int = 100,
        tenant: String, database: TestDatabaseInfo
    ) async throws {
        let owner = ConnectionPool(configuration: database.migrateConfiguration)
        try await owner.query("INSERT INTO writ.plans VALUES (\(name), \(agents), \(intentsPerMonth), \(requestsPerSecond), \(burst))")
        try await owner.query("UPDATE writ.tenants SET plan = \(name) WHERE id = \(UUID(uuidString: tenant)!)")
        await owner.close()
    }

    /// The `/metrics` token of the servers `withTwoNodes` starts.
    static let metricsToken = "test-metrics-token-0123456789"

    /// A fresh directory for the `.eml` files a test's server writes.
    static func mailDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("writ-mail-\(UUID().uuidString)")
    }

    /// Runs `body` against a live server on a free port over a fresh, migrated database.
    static func withLiveServer(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await withServer { api, _ in try await body(api.client) }
    }

    /// Runs `body` with a JSON client of a live server over a fresh database (which it also
    /// gets, for direct checks), after `configure` adjusted the server's configuration.
    static func withServer(
        configure: (inout WritConfiguration) -> Void = { _ in },
        _ body: @escaping @Sendable (APIClient, TestDatabaseInfo) async throws -> Void
    ) async throws {
        let database = try await TestCluster.makeMigratedDatabase()
        var configuration = configuration(for: database)
        configure(&configuration)
        let app = try await WritApplication.build(configuration: configuration)
        let mail = configuration.mailDirectory.map { URL(fileURLWithPath: $0) }
        try await app.test(.live) { client in try await body(APIClient(client: client, mailDirectory: mail), database) }
    }
}

extension TestResponse {
    /// The body as text.
    var text: String { String(buffer: body) }

    /// The body decoded as `type`; throws (failing the test) when it is not one.
    func decoded<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        try JSONDecoder().decode(type, from: Data(buffer: body))
    }
}
