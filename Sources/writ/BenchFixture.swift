import ArgumentParser
import Foundation
import Logging
import WritBench
import WritCore
import WritStore

extension Bench {
    /// `writ bench fixture --tenants 1000 --agents 1 --keys-file keys.tsv`: tenants for the
    /// hot-path benchmark (scripts/bench.d/hot_path.sh), and optionally a long valid chain.
    struct Fixture: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fixture", abstract: "Create benchmark tenants with agents and keys; optionally fill a tenant's chain.")

        @Option(help: "Serving connection string (writ_app); default WRIT_DATABASE_URL.")
        var databaseURL: String?

        @Option(help: "Tenants to create.")
        var tenants = 1

        @Option(help: "Agents (each with an intents key) per tenant.")
        var agents = 1

        @Option(help: "Tenant name prefix.")
        var prefix = "bench"

        @Option(help: "Where to write one line per key: n, tenant id, team id, agent id, key.")
        var keysFile: String

        @Option(help: "Filler events to append to the first tenant's chain (valid links and checkpoints).")
        var chainEvents = 0

        func run() async throws {
            guard let url = databaseURL ?? ProcessInfo.processInfo.environment["WRIT_DATABASE_URL"] else {
                throw ValidationError("give --database-url or WRIT_DATABASE_URL")
            }
            guard let masterText = ProcessInfo.processInfo.environment["WRIT_MASTER_KEY"], let masterKey = Data(base64Encoded: masterText),
                masterKey.count == 32
            else { throw ValidationError("set WRIT_MASTER_KEY to the server's (32 bytes, base64)") }
            let database = Database.connect(url: url, maxConnections: 2, logger: Logger(label: "writ.bench"))
            let keys = KeyRing(masterKey: Array(masterKey))
            let signingKeys = SigningKeys(keys: keys)
            let identity = IdentityStore(database: database, keys: keys, signingKeys: signingKeys)
            let made = try await HotPathFixture.tenants(tenants, agents: agents, prefix: prefix, identity: identity)
            try HotPathFixture.keysFile(made).write(toFile: keysFile, atomically: true, encoding: .utf8)
            if chainEvents > 0, let first = made.first {
                try await AuditBenchFixture.fillChain(
                    tenant: first.id, events: chainEvents, audit: AuditLog(signingKeys: signingKeys), database: database)
            }
            await database.close()
        }
    }
}
