import COpenSSL

/// ECDSA over the NIST P-256 curve with SHA-256 (FIPS 186-5), as COSE's ES256 and WebAuthn use it.
public enum ECDSAP256 {
    /// A P-256 public key, checked to be a point on the curve.
    public struct PublicKey: Sendable, Equatable {
        /// The uncompressed point: `0x04 || x || y`, 65 bytes (SEC 1 §2.3.3).
        public let x963Representation: [UInt8]

        /// The key with affine coordinates `x` and `y`, 32 bytes each, big-endian.
        public init(x: [UInt8], y: [UInt8]) throws {
            guard x.count == 32, y.count == 32 else { throw CryptoError.invalidKey("P-256 coordinates are 32 bytes each") }
            try self.init(x963Representation: [0x04] + x + y)
        }

        /// The key from its uncompressed point; a point off the curve is refused.
        public init(x963Representation point: [UInt8]) throws {
            guard point.count == 65, point[0] == 0x04 else {
                throw CryptoError.invalidKey("a P-256 public key is a 65-byte uncompressed point")
            }
            _ = try Self.imported(point)
            self.x963Representation = point
        }

        /// Whether `signature`, DER-encoded (`SEQUENCE { r INTEGER, s INTEGER }`, as WebAuthn and
        /// X.509 send it), is a valid signature of `message` by this key. Malformed input is `false`.
        public func isValidSignature(derSignature signature: some Collection<UInt8>, for message: some Collection<UInt8>) -> Bool {
            let signature = Array(signature)
            // The longest DER encoding of two 256-bit integers is 72 bytes; the shortest possible is 8.
            guard (8...72).contains(signature.count), let key = try? Self.imported(x963Representation) else { return false }
            return key.isValidSHA256Signature(signature, for: Array(message))
        }

        private static func imported(_ point: [UInt8]) throws -> ImportedPublicKey {
            try ImportedPublicKey(
                algorithm: "EC",
                parameters: [.text(OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1"), .octets(OSSL_PKEY_PARAM_PUB_KEY, point)],
                check: true
            )
        }
    }
}
