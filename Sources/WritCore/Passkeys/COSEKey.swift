import WritCrypto

/// A credential public key in COSE form (RFC 9052, RFC 9053, RFC 8230), limited to the three
/// algorithms Writ verifies: ES256 (EC2, P-256), EdDSA (OKP, Ed25519) and RS256 (RSA).
public struct COSEKey: Sendable, Equatable {
    /// A signature algorithm Writ verifies, by its COSE algorithm identifier.
    public enum Algorithm: Int64, Sendable, CaseIterable {
        /// ECDSA over P-256 with SHA-256.
        case es256 = -7
        /// EdDSA; Writ accepts it only on Ed25519.
        case edDSA = -8
        /// RSASSA-PKCS1-v1_5 with SHA-256.
        case rs256 = -257
    }

    private enum Material: Sendable, Equatable {
        case p256(ECDSAP256.PublicKey)
        case ed25519(Ed25519.PublicKey)
        case rsa(RSAPKCS1SHA256.PublicKey)
    }

    /// The key's algorithm (COSE label 3).
    public let algorithm: Algorithm
    /// The key's CBOR encoding exactly as the authenticator sent it: what to store and verify with later.
    public let bytes: [UInt8]
    private let material: Material

    /// The key encoded in `bytes`, a single CBOR map.
    public init(bytes: some Collection<UInt8>) throws(PasskeyError) {
        let bytes = Array(bytes)
        try self.init(CBORDecoder.decode(bytes), bytes: bytes)
    }

    /// The key in `value`, already decoded from `bytes`.
    init(_ value: CBORValue, bytes: [UInt8]) throws(PasskeyError) {
        guard value.mapValue != nil else { throw .unsupportedKey.detailed("a COSE key is a CBOR map") }
        let keyType = value[1]?.integerValue
        let algorithm = value[3]?.integerValue
        // 0 is reserved as a key type and as an algorithm, so it stands for "missing" here.
        switch (keyType ?? 0, algorithm ?? 0) {
        case (2, Algorithm.es256.rawValue):
            self.algorithm = .es256
            try Self.expectCurve(1, named: "P-256", in: value)
            let x = try Self.coordinate(-2, of: value, count: 32)
            let y = try Self.coordinate(-3, of: value, count: 32)
            self.material = .p256(try Self.checked { try ECDSAP256.PublicKey(x: x, y: y) })
        case (1, Algorithm.edDSA.rawValue):
            self.algorithm = .edDSA
            try Self.expectCurve(6, named: "Ed25519", in: value)
            let x = try Self.coordinate(-2, of: value, count: 32)
            self.material = .ed25519(try Self.checked { try Ed25519.PublicKey(rawRepresentation: x) })
        case (3, Algorithm.rs256.rawValue):
            self.algorithm = .rs256
            guard let modulus = value[-1]?.bytesValue, let exponent = value[-2]?.bytesValue else {
                throw .invalidKey.detailed("an RSA key needs n (-1) and e (-2) as byte strings")
            }
            self.material = .rsa(try Self.checked { try RSAPKCS1SHA256.PublicKey(modulus: modulus, exponent: exponent) })
        default:
            throw .unsupportedKey.detailed(
                "key type \(Self.name(keyType)) with algorithm \(Self.name(algorithm)); supported: ES256 (kty 2, alg -7), "
                    + "EdDSA (kty 1, alg -8) and RS256 (kty 3, alg -257)")
        }
        self.bytes = bytes
    }

    /// Whether `signature` is this key's signature of `message` (for ES256, DER-encoded as WebAuthn sends it).
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        switch material {
        case .p256(let key): key.isValidSignature(derSignature: signature, for: message)
        case .ed25519(let key): key.isValidSignature(signature, for: message)
        case .rsa(let key): key.isValidSignature(signature, for: message)
        }
    }

    public static func == (lhs: COSEKey, rhs: COSEKey) -> Bool { lhs.material == rhs.material && lhs.algorithm == rhs.algorithm }

    private static func expectCurve(_ curve: Int64, named name: String, in value: CBORValue) throws(PasskeyError) {
        let found = value[-1]?.integerValue
        guard found == curve else { throw .unsupportedKey.detailed("curve \(Self.name(found)); only \(name) (crv \(curve)) is accepted") }
    }

    private static func coordinate(_ label: Int64, of value: CBORValue, count: Int) throws(PasskeyError) -> [UInt8] {
        guard let bytes = value[label]?.bytesValue, bytes.count == count else {
            throw .invalidKey.detailed("label \(label) must be a byte string of \(count) bytes")
        }
        return bytes
    }

    /// The key `make` builds, with WritCrypto's refusal turned into an invalid-key error.
    private static func checked<Key>(_ make: () throws -> Key) throws(PasskeyError) -> Key {
        do { return try make() } catch { throw .invalidKey.detailed("\(error)") }
    }

    private static func name(_ number: Int64?) -> String { number.map(String.init) ?? "missing" }
}
