import ArgumentParser
import Foundation
import WritAPI
import WritCore
import WritStore

extension Audit {
    /// `writ audit purge`: the retention pass every node runs hourly, now, until nothing is due.
    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Purge the contents of audit events past their plan's retention now, as the hourly pass does.",
            discussion: """
                Uses WRIT_DATABASE_URL and WRIT_MASTER_KEY like `writ serve` (a purge appends an audit.purged event, \
                which may be followed by a signed checkpoint). Prints each batch; exits 0 when nothing more is due.
                """)

        @OptionGroup var settings: SettingOptions

        @Option(help: "The most events one transaction purges.")
        var batch: Int64 = 10_000

        func run() async throws {
            guard batch > 0 else { throw ValidationError("--batch must be positive") }
            let configuration: WritConfiguration
            do { configuration = try WritConfiguration(environment: ProcessInfo.processInfo.environment, flags: settings.flags) } catch {
                throw ValidationError(error.description)
            }
            let logger = LogSetup.bootstrap(level: .warning)
            let database = configuration.connectDatabase(maxConnections: 2, logger: logger)
            let retention = AuditRetention(
                database: database, audit: AuditLog(signingKeys: SigningKeys(keys: KeyRing(masterKey: configuration.masterKey))),
                batch: batch)
            var total: Int64 = 0
            do {
                while case let purges = try await retention.runOnce(), !purges.isEmpty {
                    for purge in purges {
                        print("tenant \(purge.tenant.uuidString.lowercased()): purged seq \(purge.fromSeq)…\(purge.beforeSeq - 1)")
                        total += purge.beforeSeq - purge.fromSeq
                    }
                }
                await database.close()
            } catch {
                await database.close()
                throw error
            }
            print("purged \(total) events")
        }
    }
}
