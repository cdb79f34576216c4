import ArgumentParser
import Foundation
import WritCore

/// `writ audit …`: offline tools for auditors.
struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Offline tools for an exported audit chain and evidence packs.",
        subcommands: [Verify.self, Evidence.self, VerifyEvidence.self, Purge.self])

    /// `writ audit verify export.ndjson --jwks jwks.json`
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify an export: every hash, link and seq, and every checkpoint's signature and hash.",
            discussion: "Exits 0 when the chain is intact, 1 naming the first bad seq otherwise.")

        @Argument(help: "The export (NDJSON) from GET /v1/audit/export.")
        var export: String

        @Option(help: "The tenant's JWK Set from GET /v1/tenants/{tenant_id}/jwks.json.")
        var jwks: String

        @Option(help: "The seq the export starts at (its Writ-Audit-From-Seq header): with from_seq, or after a purge.")
        var fromSeq: Int64?

        @Option(help: "The hash the export's first event links to (its Writ-Audit-Previous-Hash header), so that link is checked too.")
        var previousHash: String?

        func validate() throws {
            if let previousHash,
                previousHash.utf8.count != 64 || !previousHash.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) })
            {
                throw ValidationError("--previous-hash must be 64 lowercase hex digits")
            }
            if previousHash != nil, fromSeq == nil { throw ValidationError("--previous-hash needs --from-seq") }
        }

        func run() throws {
            guard let jwksData = FileManager.default.contents(atPath: jwks) else { throw ValidationError("cannot read \(jwks)") }
            let keys = try JWKSet.ed25519Keys(from: Array(jwksData))
            guard let handle = FileHandle(forReadingAtPath: export) else { throw ValidationError("cannot read \(export)") }
            defer { try? handle.close() }
            var verifier = AuditVerifier(keys: keys, fromSeq: fromSeq, previousHash: previousHash)
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
                FileHandle.standardError.write(
                    Data("invalid: first bad seq \(failure.seq.map(String.init) ?? "unknown"), \(failure)\n".utf8))
                throw ExitCode(1)
            }
            guard verifier.checked > 0 else {
                FileHandle.standardError.write(Data("invalid: the export holds no events\n".utf8))
                throw ExitCode(1)
            }
            let link = previousHash.map { ", linked to \($0.prefix(12))… of seq \((fromSeq ?? 1) - 1)" } ?? ""
            print(
                "valid: \(verifier.checked) events, seq \(fromSeq ?? 1)…\(verifier.lastSeq)\(link), \(verifier.checkpoints) checkpoints verified"
            )
        }
    }
}
