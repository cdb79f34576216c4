import COpenSSL

/// RSASSA-PKCS1-v1_5 signatures with SHA-256 (RFC 8017 §8.2), as COSE's RS256 uses them.
public enum RSAPKCS1SHA256 {
    /// An RSA public key: a modulus of 2048 to 8192 bits and an odd public exponent of at most 32 bits.
    public struct PublicKey: Sendable, Equatable {
        /// The modulus `n`, big-endian, without leading zero bytes.
        public let modulus: [UInt8]
        /// The public exponent `e`, big-endian, without leading zero bytes.
        public let exponent: [UInt8]

        /// The key with modulus `n` and exponent `e` given big-endian (leading zero bytes are dropped).
        public init(modulus: [UInt8], exponent: [UInt8]) throws {
            let modulus = Array(modulus.drop(while: { $0 == 0 }))
            let exponent = Array(exponent.drop(while: { $0 == 0 }))
            let bits = modulus.isEmpty ? 0 : modulus.count * 8 - modulus[0].leadingZeroBitCount
            guard (2048...8192).contains(bits), modulus.last.map({ $0 & 1 == 1 }) == true else {
                throw CryptoError.invalidKey("an RSA modulus must be odd and of 2048 to 8192 bits")
            }
            // Small exponents only (65537 in practice): a huge exponent would make every check slow.
            guard (1...4).contains(exponent.count), exponent.last.map({ $0 & 1 == 1 }) == true, exponent != [1] else {
                throw CryptoError.invalidKey("an RSA public exponent must be odd, above 1 and of at most 32 bits")
            }
            _ = try Self.imported(modulus: modulus, exponent: exponent)
            self.modulus = modulus
            self.exponent = exponent
        }

        /// The modulus length in bytes, which is also the length of every signature.
        public var byteCount: Int { modulus.count }

        /// Whether `signature` is a valid PKCS #1 v1.5 SHA-256 signature of `message` by this key.
        /// A signature of another length than the modulus is `false`.
        public func isValidSignature(_ signature: some Collection<UInt8>, for message: some Collection<UInt8>) -> Bool {
            let signature = Array(signature)
            guard signature.count == byteCount, let key = try? Self.imported(modulus: modulus, exponent: exponent) else { return false }
            return key.isValidSHA256Signature(signature, for: Array(message))
        }

        private static func imported(modulus: [UInt8], exponent: [UInt8]) throws -> ImportedPublicKey {
            // OpenSSL's public-key check for RSA runs a primality test on the modulus: slow, and it
            // proves nothing a signature check needs, so the bounds above stand in for it.
            try ImportedPublicKey(
                algorithm: "RSA",
                parameters: [.integer(OSSL_PKEY_PARAM_RSA_N, modulus), .integer(OSSL_PKEY_PARAM_RSA_E, exponent)],
                check: false
            )
        }
    }
}
