import Foundation
import WritCrypto

/// Checks an evidence pack with nothing but the pack — or a JWK Set the examiner fetched
/// themselves, to pin the keys: the manifest's signature and every file's SHA-256, the chain slice
/// (hashes, links, no gap, linked to the recorded previous hash, every checkpoint), and every
/// intent (``checkIntents``). Every problem found is reported, not only the first.
public struct EvidenceVerifier {
    /// What the check found.
    public struct Outcome: Sendable {
        public var findings: [EvidenceFinding] = []
        /// What was checked, for a person.
        public var notes: [String] = []
        public var valid: Bool { findings.isEmpty }
    }

    /// What the chain slice says, for the checks of the other files.
    struct ChainFacts {
        var hashes: [Int64: String] = [:]
        /// `intent.submitted` events by intent id: action, resource, outcome and tier.
        var submitted: [String: JSONValue] = [:]
        /// `policy.changed` events by "key/version": the document saved.
        var policyChanges: [String: JSONValue] = [:]
    }

    public static func verify(_ pack: [UInt8], pinnedKeys: [String: Ed25519.PublicKey]? = nil) -> Outcome {
        var outcome = Outcome()
        let archive: ZipReader
        do { archive = try ZipReader(pack) } catch {
            outcome.findings.append(EvidenceFinding("pack", error.description))
            return outcome
        }
        for name in archive.damaged.sorted() {
            outcome.findings.append(EvidenceFinding(name, "damaged: its bytes do not match the archive's CRC-32"))
        }
        guard let manifestBytes = archive.entry(EvidenceManifest.manifestName).map(Array.init),
            let manifest = (try? JSONParser.parse(manifestBytes)).flatMap(EvidenceManifest.init(json:))
        else {
            outcome.findings.append(EvidenceFinding(EvidenceManifest.manifestName, "missing or not a writ-evidence/1 manifest"))
            return outcome
        }
        let packKeys = archive.entry(EvidenceManifest.File.jwks.rawValue).flatMap { try? JWKSet.ed25519Keys(from: Array($0)) }
        guard let keys = pinnedKeys ?? packKeys else {
            outcome.findings.append(EvidenceFinding(EvidenceManifest.File.jwks.rawValue, "missing or not a JWK Set of Ed25519 keys"))
            return outcome
        }
        let signature = archive.entry(EvidenceManifest.signatureName).flatMap { String(validating: $0, as: UTF8.self) } ?? ""
        switch EvidenceManifest.verifySignature(signature.trimmingCharacters(in: .whitespacesAndNewlines), of: manifestBytes, keys: keys) {
        case .success(let kid):
            outcome.notes.append("manifest signed by key \(kid)\(pinnedKeys == nil ? " (from the pack's JWK Set)" : " (pinned)")")
        case .failure(let finding): outcome.findings.append(finding)
        }
        checkFiles(manifest, archive, &outcome)
        let file = { (name: EvidenceManifest.File) in archive.entry(name.rawValue).map(Array.init) ?? [] }
        let facts = checkChain(file(.events), manifest: manifest, keys: keys, &outcome)
        checkCheckpoints(file(.checkpoints), manifest: manifest, facts: facts, keys: keys, &outcome)
        let policies = checkPolicies(file(.policies), facts: facts, &outcome)
        checkIntents(file(.intents), tenant: manifest.tenant, policies: policies, facts: facts, keys: keys, &outcome)
        return outcome
    }

    /// Every listed file is there with its hash and size; nothing unlisted is.
    static func checkFiles(_ manifest: EvidenceManifest, _ archive: ZipReader, _ outcome: inout Outcome) {
        let listed = Set(manifest.files.map(\.name))
        for file in EvidenceManifest.File.allCases where !listed.contains(file.rawValue) {
            outcome.findings.append(EvidenceFinding(EvidenceManifest.manifestName, "does not list \(file.rawValue)"))
        }
        for entry in manifest.files {
            guard let bytes = archive.entry(entry.name) else {
                outcome.findings.append(EvidenceFinding(entry.name, "listed in the manifest but not in the pack"))
                continue
            }
            if SHA256.hexHash(bytes) != entry.sha256 || bytes.count != entry.bytes {
                outcome.findings.append(EvidenceFinding(entry.name, "its SHA-256 differs from the manifest's: the file was changed"))
            }
        }
        for name in archive.names
        where !listed.contains(name) && name != EvidenceManifest.manifestName && name != EvidenceManifest.signatureName {
            outcome.findings.append(EvidenceFinding(name, "not listed in the manifest"))
        }
    }

    /// The slice: every event's hash and link from the recorded previous hash, no gap, its checkpoints.
    static func checkChain(_ bytes: [UInt8], manifest: EvidenceManifest, keys: [String: Ed25519.PublicKey], _ outcome: inout Outcome)
        -> ChainFacts
    {
        var facts = ChainFacts()
        facts.hashes[manifest.firstSeq - 1] = manifest.previousHash
        var verifier = AuditVerifier(keys: keys, fromSeq: manifest.firstSeq, previousHash: manifest.previousHash)
        for line in NDJSON.lines(bytes) {
            do { try verifier.check(line: Array(line)) } catch {
                outcome.findings.append(EvidenceFinding("events.ndjson", error.description))
                return facts
            }
            guard let event = try? JSONParser.parse(Array(line)), let seq = event["seq"]?.numberValue else { continue }
            facts.hashes[Int64(seq)] = event["hash"]?.stringValue
            if event["tenant"]?.stringValue != manifest.tenant {
                outcome.findings.append(EvidenceFinding("events.ndjson seq \(Int64(seq))", "belongs to another tenant"))
            }
            let subject = event["subject"]?["id"]?.stringValue ?? ""
            // The chain check covers every type, known or not; these two carry what the later checks compare.
            switch event["type"]?.stringValue.flatMap(AuditEventType.init(rawValue:)) {
            case .intentSubmitted?: facts.submitted[subject] = event["data"]
            case .policyChanged?:
                if let version = event["data"]?["version"]?.numberValue {
                    facts.policyChanges["\(subject)/\(Int(version))"] = event["data"]?["document"]
                }
            default: break
            }
        }
        if verifier.checked > 0 || manifest.lastSeq >= manifest.firstSeq, verifier.lastSeq != manifest.lastSeq {
            outcome.findings.append(
                EvidenceFinding("events.ndjson", "ends at seq \(verifier.lastSeq); the manifest says \(manifest.lastSeq)"))
        }
        outcome.notes.append(
            "chain: \(verifier.checked) events, seq \(manifest.firstSeq)…\(manifest.lastSeq), linked to the hash of seq \(manifest.firstSeq - 1), \(verifier.checkpoints) checkpoint events"
        )
        if let purged = manifest.purgedBefore {
            if purged != manifest.firstSeq {
                outcome.findings.append(
                    EvidenceFinding(
                        EvidenceManifest.manifestName,
                        "says events were purged before seq \(purged), but the slice starts at \(manifest.firstSeq)"))
            }
            outcome.notes.append(
                "purged before seq \(purged): the period's earlier events are past the plan's retention; their hashes and checkpoints were kept, their bodies purged"
            )
        }
        return facts
    }

    /// Every checkpoint verifies and names the hash the chain has at its seq.
    static func checkCheckpoints(
        _ bytes: [UInt8], manifest: EvidenceManifest, facts: ChainFacts, keys: [String: Ed25519.PublicKey],
        _ outcome: inout Outcome
    ) {
        var count = 0
        var newest: Int64 = 0
        for (index, line) in NDJSON.lines(bytes).enumerated() {
            let location = "checkpoints.ndjson line \(index + 1)"
            guard let jws = (try? JSONParser.parse(Array(line)))?["jws"]?.stringValue, let claims = AuditCheckpoint.verify(jws, keys: keys)
            else {
                outcome.findings.append(EvidenceFinding(location, "not a checkpoint signed by the tenant's keys"))
                continue
            }
            guard claims.tenant == manifest.tenant else {
                outcome.findings.append(EvidenceFinding(location, "another tenant's"))
                continue
            }
            if let hash = facts.hashes[claims.seq], hash != claims.hash {
                outcome.findings.append(
                    EvidenceFinding(
                        location, "signs hash \(claims.hash.prefix(12))… for seq \(claims.seq), the chain has \(hash.prefix(12))…"))
            }
            count += 1
            newest = max(newest, claims.seq)
        }
        outcome.notes.append(
            "checkpoints: \(count) verified" + (newest < manifest.lastSeq ? "; events after seq \(newest) are not yet covered by one" : ""))
    }
}

/// Newline-delimited JSON, split without copying.
enum NDJSON {
    static func lines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
    }
}
