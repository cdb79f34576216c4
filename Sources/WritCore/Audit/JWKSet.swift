import WritCrypto

/// Reads an RFC 7517 JWK Set of Ed25519 keys (`kty` OKP, `crv` Ed25519), as Writ publishes them.
public enum JWKSet {
    /// Why a JWK Set was refused.
    public struct Invalid: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// The Ed25519 public keys by `kid`.
    public static func ed25519Keys(from bytes: [UInt8]) throws -> [String: Ed25519.PublicKey] {
        guard let set = try? JSONParser.parse(bytes), let keys = set["keys"]?.arrayValue else {
            throw Invalid(description: "not a JWK Set: expected {\"keys\": [...]}")
        }
        var result: [String: Ed25519.PublicKey] = [:]
        for key in keys where key["kty"]?.stringValue == "OKP" && key["crv"]?.stringValue == "Ed25519" {
            guard let kid = key["kid"]?.stringValue, let x = key["x"]?.stringValue, let raw = Base64URL.decode(x),
                let publicKey = try? Ed25519.PublicKey(rawRepresentation: raw)
            else { throw Invalid(description: "a key in the set lacks a kid or a valid x") }
            result[kid] = publicKey
        }
        return result
    }
}
