import WritCrypto

/// Signed checkpoints of an audit chain (CONTRACT §3): a JWS over `{tenant, seq, hash, iat}`.
public enum AuditCheckpoint {
    /// The JWS `typ` of a checkpoint.
    public static let jwsType = "writ-checkpoint+jwt"

    /// The compact JWS of a checkpoint.
    public static func sign(tenant: String, seq: Int64, hash: String, iat: Int64, kid: String, key: Ed25519.PrivateKey) throws -> String {
        let header = CanonicalJSON.bytes(["alg": "EdDSA", "kid": .string(kid), "typ": .string(jwsType)])
        let payload = CanonicalJSON.bytes([
            "tenant": .string(tenant), "seq": .number(Double(seq)), "hash": .string(hash), "iat": .number(Double(iat)),
        ])
        return try JWS.sign(header: header, payload: payload, key: key)
    }

    /// The claims of a checkpoint whose signature, header and shape are valid under one of `keys`.
    public static func verify(_ compact: String, keys: [String: Ed25519.PublicKey]) -> (
        tenant: String, seq: Int64, hash: String, iat: Int64
    )? {
        guard let parts = JWS.Parts(compact: compact),
            let header = try? JSONParser.parse(parts.header),
            header["alg"]?.stringValue == "EdDSA", header["typ"]?.stringValue == jwsType,
            let kid = header["kid"]?.stringValue, let key = keys[kid], parts.isSigned(by: key),
            let payload = try? JSONParser.parse(parts.payload),
            let tenant = payload["tenant"]?.stringValue, let seq = payload["seq"]?.numberValue,
            let hash = payload["hash"]?.stringValue, let iat = payload["iat"]?.numberValue
        else { return nil }
        return (tenant, Int64(seq), hash, Int64(iat))
    }
}
