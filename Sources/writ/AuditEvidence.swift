import ArgumentParser
import Foundation
import WritAPI
import WritCore
import WritStore

extension Audit {
    /// `writ audit evidence --tenant ID --since … --until … --output pack.zip`: the same pack as
    /// `GET /v1/audit/evidence`, straight from the database (WRIT_DATABASE_URL, WRIT_MASTER_KEY).
    struct Evidence: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a tenant's signed evidence pack for a period, from the database.",
            discussion: "Uses WRIT_DATABASE_URL and WRIT_MASTER_KEY like `writ serve`.")

        @OptionGroup var settings: SettingOptions

        @Option(help: "The tenant's id.")
        var tenant: String

        @Option(help: "Start of the period, RFC 3339 (inclusive).")
        var since: String

        @Option(help: "End of the period, RFC 3339 (exclusive).")
        var until: String

        @Option(help: "Where to write the ZIP.")
        var output: String

        func run() async throws {
            guard let tenant = UUID(uuidString: tenant) else { throw ValidationError("--tenant must be a UUID") }
            guard let since = Timestamp.parse(since), let until = Timestamp.parse(until), since < until else {
                throw ValidationError("--since and --until must be RFC 3339 times, since before until")
            }
            let configuration: WritConfiguration
            do { configuration = try WritConfiguration(environment: ProcessInfo.processInfo.environment, flags: settings.flags) } catch {
                throw ValidationError(error.description)
            }
            let logger = LogSetup.bootstrap(level: .warning)
            guard FileManager.default.createFile(atPath: output, contents: nil), let handle = FileHandle(forWritingAtPath: output) else {
                throw ValidationError("cannot write \(output)")
            }
            let database = configuration.connectDatabase(maxConnections: 2, logger: logger)
            let keys = KeyRing(masterKey: configuration.masterKey)
            let writer = EvidencePackWriter(database: database, keys: keys, signingKeys: SigningKeys(keys: keys))
            do {
                try await writer.write(tenant: tenant, since: since, until: until) { bytes in try handle.write(contentsOf: bytes) }
                try handle.close()
                await database.close()
            } catch {
                try? handle.close()
                await database.close()
                throw error
            }
            print("wrote \(output)")
        }
    }

    /// `writ audit verify-evidence pack.zip [--jwks jwks.json]`
    struct VerifyEvidence: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify-evidence",
            abstract: "Check an evidence pack with nothing but the pack: signature, files, chain, checkpoints, warrants, approvals, tiers.",
            discussion: "Exits 0 when everything holds, 1 listing every problem found otherwise.")

        @Argument(help: "The pack (ZIP) from GET /v1/audit/evidence or `writ audit evidence`.")
        var pack: String

        @Option(help: "Pin the tenant's keys: a JWK Set fetched from GET /v1/tenants/{tenant_id}/jwks.json (else the pack's own).")
        var jwks: String?

        func run() throws {
            guard let bytes = FileManager.default.contents(atPath: pack) else { throw ValidationError("cannot read \(pack)") }
            let pinned = try jwks.map { path in
                guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
                return try JWKSet.ed25519Keys(from: Array(data))
            }
            let outcome = EvidenceVerifier.verify(Array(bytes), pinnedKeys: pinned)
            for note in outcome.notes { print("checked: \(note)") }
            guard outcome.valid else {
                for finding in outcome.findings { FileHandle.standardError.write(Data("invalid: \(finding)\n".utf8)) }
                throw ExitCode(1)
            }
            print("valid: the pack holds together and matches its signed manifest")
        }
    }
}
