import WritCrypto

/// Checks an exported audit chain line by line in constant memory: canonical form, every hash,
/// every link, no gap, and every checkpoint's signature and hash.
public struct AuditVerifier: Sendable {
    /// The first problem found.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// The sequence number of the offending event, when it could be read.
        public let seq: Int64?
        /// The 1-based line of the export.
        public let line: Int
        /// What is wrong.
        public let reason: String

        public var description: String {
            "line \(line)" + (seq.map { " (seq \($0))" } ?? "") + ": \(reason)"
        }
    }

    private let keys: [String: Ed25519.PublicKey]
    private var expectedSeq: Int64?
    private var previousHash: String?
    private var tenant: String?
    private var line = 0
    /// Events checked so far.
    public private(set) var checked = 0
    /// Checkpoints whose signatures verified.
    public private(set) var checkpoints = 0
    /// The last sequence number checked.
    public private(set) var lastSeq: Int64 = 0

    /// - Parameters:
    ///   - keys: the tenant's public keys by `kid` (from its JWK Set).
    ///   - fromSeq: where the export starts; links before it cannot be checked. `nil` means 1.
    ///   - previousHash: the hash of event `fromSeq - 1` when known (an evidence pack records it),
    ///     so the first event's link is checked too.
    public init(keys: [String: Ed25519.PublicKey], fromSeq: Int64? = nil, previousHash: String? = nil) {
        self.keys = keys
        self.expectedSeq = fromSeq ?? 1
        if fromSeq == nil || fromSeq == 1 { self.previousHash = AuditChain.genesisHash }
        if let previousHash { self.previousHash = previousHash }
    }

    /// Checks the next line (without its newline).
    public mutating func check(line bytes: [UInt8]) throws(Failure) {
        line += 1
        guard case .object(var event) = try? JSONParser.parse(bytes) else { throw failure(nil, "not a JSON object") }
        let seq = event["seq"]?.numberValue.flatMap { Int64(exactly: $0) }
        guard CanonicalJSON.bytes(.object(event)) == bytes else { throw failure(seq, "not in RFC 8785 canonical form") }
        guard let seq else { throw failure(nil, "no integer seq") }
        guard let hash = event.removeValue(forKey: "hash")?.stringValue else { throw failure(seq, "no hash") }
        if let expectedSeq, seq != expectedSeq {
            // The first bad seq is the one that should have come here.
            throw failure(expectedSeq, seq > expectedSeq ? "gap: seq \(expectedSeq) is missing" : "out of order: found seq \(seq)")
        }
        guard let eventTenant = event["tenant"]?.stringValue, tenant == nil || tenant == eventTenant else {
            throw failure(seq, "tenant differs from the events before")
        }
        guard let prev = event["prev"]?.stringValue else { throw failure(seq, "no prev") }
        if let previousHash, prev != previousHash { throw failure(seq, "prev does not match the previous event's hash") }
        guard SHA256.hexHash(CanonicalJSON.bytes(.object(event))) == hash else { throw failure(seq, "hash does not match the content") }
        if event["type"]?.stringValue == AuditEventType.auditCheckpoint.rawValue {
            try checkCheckpoint(event, seq: seq, tenant: eventTenant, prev: prev)
        }
        tenant = eventTenant
        previousHash = hash
        expectedSeq = seq + 1
        lastSeq = seq
        checked += 1
    }

    private mutating func checkCheckpoint(_ event: [String: JSONValue], seq: Int64, tenant: String, prev: String) throws(Failure) {
        guard let data = event["data"], let jws = data["jws"]?.stringValue else { throw failure(seq, "checkpoint without jws") }
        guard let claims = AuditCheckpoint.verify(jws, keys: keys) else {
            throw failure(seq, "checkpoint signature does not verify with the given keys")
        }
        guard claims.tenant == tenant, claims.seq == seq - 1, claims.hash == prev,
            data["seq"]?.numberValue == Double(claims.seq), data["hash"]?.stringValue == claims.hash,
            data["iat"]?.numberValue == Double(claims.iat)
        else { throw failure(seq, "checkpoint does not match the event it covers (seq \(seq - 1))") }
        checkpoints += 1
    }

    private func failure(_ seq: Int64?, _ reason: String) -> Failure {
        Failure(seq: seq, line: line, reason: reason)
    }
}
