import ArgumentParser
import Foundation
import Postgres
import WritCore
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
            let pool = ConnectionPool(configuration: PostgresConfiguration(
                connectionString: url, maxConnections: writers, searchPath: ["writ"]))
            let database = Database(pool: pool)
            let ids = try await AuditBenchFixture.tenants(tenants, database: database)
            let audit = AuditLog()
            let committer = AuditGroupCommitter(database: database, audit: audit)
            let deadline = ContinuousClock.now + .seconds(seconds)
            let start = ContinuousClock.now
            let total = try await withThrowingTaskGroup(of: Int.self) { group in
                for writer in 0..<writers {
                    group.addTask {
                        var count = 0
                        var generator = SystemRandomNumberGenerator()
                        while ContinuousClock.now < deadline {
                            let tenant = ids[Int.random(in: 0..<ids.count, using: &generator)]
                            let event = AuditEvent(
                                type: .benchAppend, actor: .init(kind: .writer, id: String(writer)), data: ["n": .number(Double(count))])
                            if groupCommit {
                                _ = try await committer.append(event, tenant: tenant)
                            } else {
                                try await database.withTenant(tenant) { tx in try await audit.append(event, tenant: tenant, in: tx) }
                            }
                            count += 1
                        }
                        return count
                    }
                }
                return try await group.reduce(0, +)
            }
            let elapsed = ContinuousClock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            print(String(format: "writ audit appends: tenants=%d writers=%d group_commit=%@ appends=%d seconds=%.1f rate=%.0f/s",
                         tenants, writers, groupCommit ? "yes" : "no", total, seconds, Double(total) / seconds))
            await pool.close()
        }
    }
}
