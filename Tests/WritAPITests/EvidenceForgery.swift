import Foundation
import WritCore
import WritCrypto

/// Rewrites evidence packs the way an attacker would: one file changed, and — with the tenant's
/// private key — the manifest re-hashed and re-signed, so only the deep checks can notice.
enum EvidenceForgery {
    /// The files of a pack by name, in archive order.
    static func files(_ pack: [UInt8]) throws -> [(name: String, bytes: [UInt8])] {
        let archive = try ZipReader(pack)
        return archive.names.map { ($0, Array(archive.entry($0) ?? [])) }
    }

    /// The pack with `name` replaced by `change(old bytes)`; re-signed when `key` is given.
    static func repack(
        _ pack: [UInt8], _ name: String, key: (kid: String, key: Ed25519.PrivateKey)? = nil,
        _ change: ([UInt8]) -> [UInt8]
    ) throws -> [UInt8] {
        var files = try files(pack)
        for index in files.indices where files[index].name == name { files[index].bytes = change(files[index].bytes) }
        if let key, let manifestIndex = files.firstIndex(where: { $0.name == EvidenceManifest.manifestName }),
            let old = EvidenceManifest(json: try JSONParser.parse(files[manifestIndex].bytes))
        {
            let entries = old.files.map { entry in
                let bytes = files.first { $0.name == entry.name }?.bytes ?? []
                return EvidenceManifest.Entry(name: entry.name, sha256: SHA256.hexHash(bytes), bytes: bytes.count)
            }
            let manifest = EvidenceManifest(
                tenant: old.tenant, since: old.since, until: old.until, generatedAt: old.generatedAt,
                firstSeq: old.firstSeq, lastSeq: old.lastSeq, previousHash: old.previousHash, files: entries)
            files[manifestIndex].bytes = CanonicalJSON.bytes(manifest.json)
            let signature = try EvidenceManifest.sign(files[manifestIndex].bytes, kid: key.kid, key: key.key)
            for index in files.indices where files[index].name == EvidenceManifest.signatureName {
                files[index].bytes = Array(signature.utf8)
            }
        }
        var zip = ZipWriter(modified: Date())
        var out: [UInt8] = []
        for file in files {
            out += try zip.start(file.name)
            out += try zip.write(file.bytes)
            out += zip.close()
        }
        return out + (try zip.finish())
    }

    /// NDJSON lines, changed one by one (`JSONValue?.none` drops a line: a bare `nil` is JSON null).
    static func lines(_ bytes: [UInt8], _ change: (Int, JSONValue) -> JSONValue?) -> [UInt8] {
        var out: [UInt8] = []
        for (index, line) in bytes.split(separator: UInt8(ascii: "\n")).enumerated() {
            guard let value = try? JSONParser.parse(Array(line)) else { continue }
            if let changed = change(index, value) { out += CanonicalJSON.bytes(changed) + [UInt8(ascii: "\n")] }
        }
        return out
    }
}
