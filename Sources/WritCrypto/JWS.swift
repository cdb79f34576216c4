/// JSON Web Signatures (RFC 7515) in compact serialization with EdDSA (RFC 8037).
///
/// This type works on bytes: callers build and check the JSON of header and payload.
public enum JWS {
    /// The three parts of a compact JWS, decoded.
    public struct Parts: Sendable {
        /// The protected header's JSON bytes.
        public let header: [UInt8]
        /// The payload bytes.
        public let payload: [UInt8]
        /// The signature bytes.
        public let signature: [UInt8]
        /// `base64url(header) "." base64url(payload)`, what the signature covers.
        public let signingInput: [UInt8]

        /// Splits and decodes a compact JWS; `nil` when it is not three base64url parts.
        public init?(compact: String) {
            let pieces = compact.split(separator: ".", omittingEmptySubsequences: false)
            guard pieces.count == 3, let header = Base64URL.decode(pieces[0]), let payload = Base64URL.decode(pieces[1]),
                let signature = Base64URL.decode(pieces[2])
            else { return nil }
            self.header = header
            self.payload = payload
            self.signature = signature
            self.signingInput = Array(pieces[0].utf8) + [UInt8(ascii: ".")] + Array(pieces[1].utf8)
        }

        /// Whether `key` signed this JWS.
        public func isSigned(by key: Ed25519.PublicKey) -> Bool {
            key.isValidSignature(signature, for: signingInput)
        }
    }

    /// Signs `payload` under `header` with an Ed25519 key.
    public static func sign(header: [UInt8], payload: [UInt8], key: Ed25519.PrivateKey) throws -> String {
        let signingInput = Base64URL.encode(header) + "." + Base64URL.encode(payload)
        return signingInput + "." + Base64URL.encode(try key.signature(for: Array(signingInput.utf8)))
    }
}
