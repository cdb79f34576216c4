import Foundation
import WritCrypto

/// The chain rules of CONTRACT §3: how an event is laid out, canonicalized and hashed.
public enum AuditChain {
    /// `prev` of the first event: 64 zeros.
    public static let genesisHash = String(repeating: "0", count: 64)

    /// An event placed in the chain: the exact bytes that were hashed, and the hash.
    public struct Link: Sendable, Equatable {
        /// RFC 8785 bytes of the event object without `hash`.
        public let body: [UInt8]
        /// Lowercase hex SHA-256 of ``body``.
        public let hash: String
    }

    /// Lays out event number `seq` of `tenant`, linked to `previousHash`.
    public static func link(
        _ event: AuditEvent, tenant: String, seq: Int64, time: Date, previousHash: String
    ) -> Link {
        let object: JSONValue = [
            "seq": .number(Double(seq)),
            "tenant": .string(tenant),
            "time": .string(Timestamp.format(time)),
            "type": .string(event.type.rawValue),
            "actor": event.actor.json,
            "subject": event.subject?.json ?? .null,
            "data": .object(event.data),
            "prev": .string(previousHash),
        ]
        let body = CanonicalJSON.bytes(object)
        return Link(body: body, hash: SHA256.hexHash(body))
    }

    /// The export line of a stored event: its body with `hash` added, canonical.
    public static func exportLine(body: [UInt8], hash: String) throws -> [UInt8] {
        guard case .object(var members) = try JSONParser.parse(body) else {
            throw JSONParser.ParseError(offset: 0, reason: "an audit event body is not an object")
        }
        members["hash"] = .string(hash)
        return CanonicalJSON.bytes(.object(members))
    }
}
