import Foundation
import WritCore
import WritCrypto
import WritStore

/// Streams a tenant's evidence pack for a period (docs/audit-format.md, "Evidence packs"): the
/// chain slice verified on the way, its checkpoints, every signing key, the policy versions in
/// force, the intents with their decisions and warrants, `report.html`, and the manifest signed
/// by the tenant's key. Memory stays bounded: everything is read and written in batches.
public struct EvidencePackWriter: Sendable {
    let evidence: EvidenceReader
    let audit: AuditReader
    let signingKeys: SigningKeys
    let database: Database
    static let batch = 1000

    public init(database: Database, keys: KeyRing, signingKeys: SigningKeys) {
        self.evidence = EvidenceReader(database: database, keys: keys)
        self.audit = AuditReader(database: database)
        self.signingKeys = signingKeys
        self.database = database
    }

    /// Writes the pack to `sink`, piece by piece; `checkCancelled` runs between batches.
    public func write(
        tenant: UUID, since: Date, until: Date, checkCancelled: () throws -> Void = {},
        to sink: ([UInt8]) async throws -> Void
    ) async throws {
        let now = Date()
        let slice = try await evidence.slice(tenant: tenant, since: since, until: until)
        let keys = try await signingKeys.publicKeys(tenant: tenant, database: database, grace: nil)
        let pack = PackStream(zip: ZipWriter(modified: now))
        var verification: [String] = []

        var verifier = AuditVerifier(
            keys: Dictionary(keys.map { ($0.kid, $0.key) }, uniquingKeysWith: { first, _ in first }),
            fromSeq: slice.first, previousHash: slice.previousHash)
        // A stored chain that does not verify still goes into the pack, so the examiner sees it; the report says where.
        var chainFailure: AuditVerifier.Failure?
        try await pack.file(EvidenceManifest.File.events.rawValue, to: sink) { write in
            var after = slice.first - 1
            while after < slice.last {
                try checkCancelled()
                // A purge overtaking the pack aborts it rather than leave a hole in its slice.
                let rows = try await audit.walk(tenant: tenant, afterSeq: after, limit: Self.batch)
                guard let last = rows.last else { break }
                var buffer: [UInt8] = []
                for (seq, line) in rows where seq <= slice.last {
                    if chainFailure == nil {
                        do { try verifier.check(line: line) } catch let failure as AuditVerifier.Failure { chainFailure = failure }
                    }
                    buffer += line + [UInt8(ascii: "\n")]
                }
                try await write(buffer)
                after = last.seq
            }
        }
        verification.append(
            chainFailure.map { "chain: DOES NOT VERIFY at seq \($0.seq.map(String.init) ?? "?"): \($0.reason)" }
                ?? (verifier.lastSeq == slice.last
                    ? "chain: \(verifier.checked) events verified (hashes, links, \(verifier.checkpoints) checkpoint events), the first linked to the hash of event \(slice.first - 1)"
                    : "chain: events missing before seq \(slice.last)"))
        if let purged = slice.purgedBefore {
            verification.append(
                "retention: events before seq \(purged) are past the plan's retention and were purged (their hashes and checkpoints kept); the slice starts there"
            )
        }

        var checkpoints = 0
        try await pack.file(EvidenceManifest.File.checkpoints.rawValue, to: sink) { write in
            var after = slice.first - 2
            var covered = false
            while !covered {
                try checkCancelled()
                let rows = try await audit.checkpoints(tenant: tenant, afterSeq: after, limit: Self.batch)
                guard let last = rows.last else { break }
                var buffer: [UInt8] = []
                for row in rows where !covered {
                    buffer +=
                        CanonicalJSON.bytes([
                            "seq": .number(Double(row.seq)), "hash": .string(row.hash), "iat": .number(Double(row.iat)),
                            "jws": .string(row.jws),
                        ]) + [UInt8(ascii: "\n")]
                    checkpoints += 1
                    covered = row.seq >= slice.last
                }
                try await write(buffer)
                after = last.seq
            }
        }
        verification.append("checkpoints: \(checkpoints) from seq \(slice.first - 1) up to the first that covers seq \(slice.last)")

        try await pack.file(EvidenceManifest.File.jwks.rawValue, to: sink) { write in
            try await write(CanonicalJSON.bytes(KeysController.set(keys)))
        }

        var summary = EvidenceSummary()
        let versions = try await evidence.policyVersions(tenant: tenant, since: since, until: until)
        try await pack.file(EvidenceManifest.File.policies.rawValue, to: sink) { write in
            for version in versions {
                if let saved = version["created_at"]?.stringValue.flatMap(Timestamp.parse), saved >= since {
                    summary.add(policyVersion: version)
                }
                try await write(CanonicalJSON.bytes(version) + [UInt8(ascii: "\n")])
            }
        }

        try await pack.file(EvidenceManifest.File.intents.rawValue, to: sink) { write in
            var cursor: EvidenceReader.IntentCursor?
            repeat {
                try checkCancelled()
                let page = try await evidence.intents(tenant: tenant, since: since, until: until, after: cursor, limit: Self.batch)
                var buffer: [UInt8] = []
                for intent in page.items {
                    summary.add(intent: intent)
                    buffer += CanonicalJSON.bytes(intent) + [UInt8(ascii: "\n")]
                }
                try await write(buffer)
                cursor = page.next
            } while cursor != nil
        }

        let period = (since: Timestamp.format(since), until: Timestamp.format(until), at: Timestamp.format(now))
        let draft = EvidenceManifest(
            tenant: tenant.uuidString.lowercased(), since: period.since, until: period.until, generatedAt: period.at,
            firstSeq: slice.first, lastSeq: slice.last, previousHash: slice.previousHash, purgedBefore: slice.purgedBefore, files: [])
        try await pack.file(EvidenceManifest.File.report.rawValue, to: sink) { write in
            try await write(Array(EvidenceReport.html(manifest: draft, summary: summary, verification: verification).utf8))
        }

        let manifest = EvidenceManifest(
            tenant: draft.tenant, since: draft.since, until: draft.until, generatedAt: draft.generatedAt,
            firstSeq: slice.first, lastSeq: slice.last, previousHash: slice.previousHash, purgedBefore: slice.purgedBefore,
            files: pack.entries)
        let manifestBytes = CanonicalJSON.bytes(manifest.json)
        let key = try await signingKeys.activeKey(tenant: tenant, database: database)
        let signature = try EvidenceManifest.sign(manifestBytes, kid: key.kid, key: key.key)
        try await pack.file(EvidenceManifest.manifestName, listed: false, to: sink) { write in try await write(manifestBytes) }
        try await pack.file(EvidenceManifest.signatureName, listed: false, to: sink) { write in try await write(Array(signature.utf8)) }
        try await pack.finish(to: sink)
    }
}
