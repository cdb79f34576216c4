import Foundation
import WritCrypto

/// The manifest of an evidence pack (docs/audit-format.md, "Evidence packs"): what period it
/// covers, where its slice of the chain starts, and the SHA-256 of every other file; signed by
/// the tenant's key in `manifest.jws` (its payload is `manifest.json`, byte for byte).
public struct EvidenceManifest: Sendable, Equatable {
    public static let format = "writ-evidence/1"
    public static let jwsType = "writ-evidence+jwt"

    /// The files a pack holds besides the manifest and its signature.
    public enum File: String, Sendable, CaseIterable {
        case events = "events.ndjson"
        case checkpoints = "checkpoints.ndjson"
        case jwks = "jwks.json"
        case policies = "policies.ndjson"
        case intents = "intents.ndjson"
        case report = "report.html"
    }

    /// One file as the manifest lists it.
    public struct Entry: Sendable, Equatable {
        public let name: String
        public let sha256: String
        public let bytes: Int
        public init(name: String, sha256: String, bytes: Int) {
            self.name = name
            self.sha256 = sha256
            self.bytes = bytes
        }
    }

    public static let manifestName = "manifest.json"
    public static let signatureName = "manifest.jws"

    public let tenant: String
    /// The period, `[since, until)`, RFC 3339.
    public let since: String
    public let until: String
    public let generatedAt: String
    /// The slice of the chain: events `firstSeq…lastSeq` (empty when `lastSeq < firstSeq`).
    public let firstSeq: Int64
    public let lastSeq: Int64
    /// The hash of event `firstSeq - 1` (64 zeros before the first event), which the slice links to.
    public let previousHash: String
    /// Set when the period reaches back before the tenant's purge boundary (its plan's retention):
    /// the events before this seq were purged, so the slice starts here.
    public let purgedBefore: Int64?
    public let files: [Entry]

    public init(
        tenant: String, since: String, until: String, generatedAt: String, firstSeq: Int64, lastSeq: Int64, previousHash: String,
        purgedBefore: Int64? = nil, files: [Entry]
    ) {
        self.tenant = tenant
        self.since = since
        self.until = until
        self.generatedAt = generatedAt
        self.firstSeq = firstSeq
        self.lastSeq = lastSeq
        self.previousHash = previousHash
        self.purgedBefore = purgedBefore
        self.files = files
    }

    public var json: JSONValue {
        var json: [String: JSONValue] = [
            "format": .string(Self.format), "tenant": .string(tenant), "since": .string(since), "until": .string(until),
            "generated_at": .string(generatedAt), "first_seq": .number(Double(firstSeq)), "last_seq": .number(Double(lastSeq)),
            "previous": ["seq": .number(Double(firstSeq - 1)), "hash": .string(previousHash)],
            "files": .array(files.map { ["name": .string($0.name), "sha256": .string($0.sha256), "bytes": .number(Double($0.bytes))] }),
        ]
        if let purgedBefore { json["purged_before"] = .number(Double(purgedBefore)) }
        return .object(json)
    }

    /// Parses a manifest; `nil` when any member is missing or of the wrong type.
    public init?(json: JSONValue) {
        guard json["format"]?.stringValue == Self.format, let tenant = json["tenant"]?.stringValue,
            let since = json["since"]?.stringValue, let until = json["until"]?.stringValue,
            let generatedAt = json["generated_at"]?.stringValue,
            let first = json["first_seq"]?.numberValue, let last = json["last_seq"]?.numberValue,
            let previous = json["previous"]?["hash"]?.stringValue, case .array(let items)? = json["files"]
        else { return nil }
        let purged = json["purged_before"]
        guard purged == nil || purged?.numberValue.flatMap({ Int64(exactly: $0) }) != nil else { return nil }
        var files: [Entry] = []
        for item in items {
            guard let name = item["name"]?.stringValue, let sha256 = item["sha256"]?.stringValue, let bytes = item["bytes"]?.numberValue
            else { return nil }
            files.append(Entry(name: name, sha256: sha256, bytes: Int(bytes)))
        }
        self.init(
            tenant: tenant, since: since, until: until, generatedAt: generatedAt, firstSeq: Int64(first), lastSeq: Int64(last),
            previousHash: previous, purgedBefore: purged?.numberValue.flatMap { Int64(exactly: $0) }, files: files)
    }

    /// The signature file: a compact JWS whose payload is exactly `manifestBytes`.
    public static func sign(_ manifestBytes: [UInt8], kid: String, key: Ed25519.PrivateKey) throws -> String {
        try JWS.sign(
            header: CanonicalJSON.bytes(["alg": "EdDSA", "kid": .string(kid), "typ": .string(jwsType)]), payload: manifestBytes, key: key)
    }

    /// The `kid` that signed `manifestBytes` in `compact`, or why the signature does not hold.
    public static func verifySignature(_ compact: String, of manifestBytes: [UInt8], keys: [String: Ed25519.PublicKey]) -> Result<
        String, EvidenceFinding
    > {
        guard let parts = JWS.Parts(compact: compact), let header = try? JSONParser.parse(parts.header) else {
            return .failure(EvidenceFinding(signatureName, "is not a compact JWS"))
        }
        guard header["alg"]?.stringValue == "EdDSA", header["typ"]?.stringValue == jwsType, let kid = header["kid"]?.stringValue else {
            return .failure(EvidenceFinding(signatureName, "has the wrong alg or typ"))
        }
        guard let key = keys[kid] else {
            return .failure(EvidenceFinding(signatureName, "names key \(kid), which the JWK Set does not hold"))
        }
        guard parts.isSigned(by: key) else { return .failure(EvidenceFinding(signatureName, "signature does not verify with key \(kid)")) }
        guard parts.payload == manifestBytes else {
            return .failure(EvidenceFinding(signatureName, "signs another manifest than manifest.json"))
        }
        return .success(kid)
    }
}

/// One thing a pack check found wrong, located by file (and line or id where known).
public struct EvidenceFinding: Error, Sendable, Equatable, CustomStringConvertible {
    public let location: String
    public let problem: String

    public init(_ location: String, _ problem: String) {
        self.location = location
        self.problem = problem
    }

    public var description: String { "\(location): \(problem)" }
}
