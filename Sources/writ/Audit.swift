import ArgumentParser
import Foundation
import WritCore

/// `writ audit …`: offline tools for auditors.
struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Offline tools for an exported audit chain and evidence packs.",
        subcommands: [Verify.self, Evidence.self, VerifyEvidence.self])

    /// `writ audit verify export.ndjson --jwks jwks.json`
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify an export: every hash, link and seq, and every checkpoint's signature and hash.",
            discussion: "Exits 0 when the chain is intact, 1 naming the first bad seq otherwise.")

        @Argument(help: "The export (NDJSON) from GET /v1/audit/export.")
        var export: String

        @Option(help: "The tenant's JWK Set from GET /v1/tenants/{tenant_id}/jwks.json.")
        var jwks: String

        @Option(help: "The seq the export starts at, when it was exported with from_seq.")
        var fromSeq: Int64?

        func run() throws {
            guard let jwksData = FileManager.default.contents(atPath: jwks) else { throw ValidationError("cannot read \(jwks)") }
            let keys = try JWKSet.ed25519Keys(from: Array(jwksData))
            guard let handle = FileHandle(forReadingAtPath: export) else { throw ValidationError("cannot read \(export)") }
            defer { try? handle.close() }
            var verifier = AuditVerifier(keys: keys, fromSeq: fromSeq)
            var pending: [UInt8] = []
            do {
                while let chunk = try handle.read(upToCount: 1 << 16), !chunk.isEmpty {
                    pending.append(contentsOf: chunk)
                    var start = 0
                    while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                        try verifier.check(line: Array(pending[start..<newline]))
                        start = newline + 1
                    }
                    pending.removeFirst(start)
                }
                if !pending.isEmpty { try verifier.check(line: pending) }
            } catch let failure as AuditVerifier.Failure {
                FileHandle.standardError.write(Data("invalid: first bad seq \(failure.seq.map(String.init) ?? "unknown"), \(failure)\n".utf8))
                throw ExitCode(1)
            }
            guard verifier.checked > 0 else {
                FileHandle.standardError.write(Data("invalid: the export holds no events\n".utf8))
                throw ExitCode(1)
            }
            print("valid: \(verifier.checked) events, seq \(fromSeq ?? 1)…\(verifier.lastSeq), \(verifier.checkpoints) checkpoints verified")
        }
    }
}
