import Foundation
import Hummingbird
import HummingbirdTesting
import WritAPI
import WritCrypto
import WritTestSupport

/// Builds a Writ server over a fresh database, as `writ serve` would.
enum TestApp {
    static func configuration(for database: TestDatabaseInfo, migrate: Bool = true) -> WritConfiguration {
        WritConfiguration(
            databaseURL: database.appConnectionString,
            migrateDatabaseURL: database.adminConnectionString,
            httpHost: "127.0.0.1", httpPort: 0,
            publicURL: URL(string: "http://127.0.0.1:8080"),
            masterKey: SecureRandom.bytes(32), logLevel: .warning,
            staticDirectory: TestCluster.staticDirectory.path,
            migrationsDirectory: TestCluster.migrationsDirectory.path,
            migrateOnStart: migrate, databasePoolSize: 4)
    }

    /// A fresh directory for the `.eml` files a test's server writes.
    static func mailDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("writ-mail-\(UUID().uuidString)")
    }

    /// Runs `body` against a live server on a free port over a fresh, migrated database.
    static func withLiveServer(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let database = try await TestCluster.makeDatabase()
        let app = try await WritApplication.build(configuration: configuration(for: database))
        try await app.test(.live, body)
    }
}

extension TestResponse {
    /// The body as text.
    var text: String { String(buffer: body) }

    /// The body parsed as a JSON object.
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] ?? [:]
    }
}
