import ArgumentParser
import Foundation
import Logging
import WritStore

/// `writ migrate`: apply pending migrations and exit.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending SQL migrations and exit.")

    @Option(help: "Migration connection string (WRIT_MIGRATE_DATABASE_URL).")
    var migrateDatabaseURL: String?

    @Option(help: "Directory of the numbered SQL migrations (WRIT_MIGRATIONS_DIR, default sql).")
    var migrationsDir: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let url = migrateDatabaseURL ?? environment["WRIT_MIGRATE_DATABASE_URL"], !url.isEmpty else {
            throw ValidationError("WRIT_MIGRATE_DATABASE_URL is required: a role that may create roles and own the schema")
        }
        let directory = migrationsDir ?? environment["WRIT_MIGRATIONS_DIR"] ?? "sql"
        let logger = LogSetup.bootstrap(level: .info)
        let applied = try await Database.migrate(
            url: url, migrations: try Migration.load(from: URL(fileURLWithPath: directory)), logger: logger)
        print(applied.isEmpty ? "schema is current" : "applied \(applied.joined(separator: ", "))")
    }
}
