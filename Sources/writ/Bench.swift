import ArgumentParser
import Foundation
import Logging
import WritBench
import WritStore

/// `writ bench …`: throughput measurements (see scripts/bench and docs/benchmarks.md).
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure throughput and latency.", subcommands: [AuditAppends.self, BenchPolicy.self, BenchGlob.self, Fixture.self])

    /// `writ bench audit --tenants 1 --writers 32 --seconds 10`
    struct AuditAppends: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "audit", abstract: "Audit appends per second, each in its own transaction, by concurrent writers.")

        @Option(help: "Serving connection string (writ_app); default WRIT_DATABASE_URL.")
        var databaseURL: String?

        @Option(help: "Tenants the appends spread over (1 = one hot tenant).")
        var tenants = 1

        @Option(help: "Concurrent writers (and database connections).")
        var writers = 32

        @Option(help: "How long to run.")
        var seconds = 10

        @Flag(help: "Group-commit concurrent appends of a tenant in one transaction.")
        var groupCommit = false

        func run() async throws {
            guard let url = databaseURL ?? ProcessInfo.processInfo.environment["WRIT_DATABASE_URL"] else {
                throw ValidationError("give --database-url or WRIT_DATABASE_URL")
            }
            let database = Database.connect(url: url, maxConnections: writers, logger: Logger(label: "writ.bench"))
            let ids = try await AuditBenchFixture.tenants(tenants, database: database)
            let result = try await AuditAppendBench.run(
                database: database, tenants: ids, writers: writers, duration: .seconds(seconds), groupCommit: groupCommit)
            print(
                String(
                    format: "writ audit appends: tenants=%d writers=%d group_commit=%@ appends=%d seconds=%.1f rate=%.0f/s",
                    tenants, writers, groupCommit ? "yes" : "no", result.appends, result.seconds, result.rate))
            await database.close()
        }
    }
}
