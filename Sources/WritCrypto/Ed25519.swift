import COpenSSL

/// Ed25519 signatures (RFC 8032) through OpenSSL.
public enum Ed25519 {
    /// An Ed25519 private key, held as its 32-byte seed.
    public struct PrivateKey: Sendable {
        /// The 32-byte seed. Secret: never log it or store it unsealed.
        public let rawRepresentation: [UInt8]
        /// The matching public key.
        public let publicKey: PublicKey

        /// A new random key.
        public init() {
            // Any 32 bytes are a valid seed, so only a broken OpenSSL could fail here.
            guard let key = try? PrivateKey(rawRepresentation: SecureRandom.bytes(32)) else {
                preconditionFailure("OpenSSL could not derive an Ed25519 key from a fresh seed")
            }
            self = key
        }

        /// The key with a given 32-byte seed.
        public init(rawRepresentation seed: [UInt8]) throws {
            guard seed.count == 32 else { throw CryptoError.invalidKey("an Ed25519 seed is 32 bytes") }
            let key = try RawKey(privateSeed: seed)
            var publicBytes = [UInt8](repeating: 0, count: 32)
            var length = 32
            guard EVP_PKEY_get_raw_public_key(key.pointer, &publicBytes, &length) == 1, length == 32 else {
                throw CryptoError.library("could not derive the Ed25519 public key")
            }
            self.rawRepresentation = seed
            self.publicKey = try PublicKey(rawRepresentation: publicBytes)
        }

        /// The 64-byte signature of `message`.
        public func signature(for message: some Collection<UInt8>) throws -> [UInt8] {
            let key = try RawKey(privateSeed: rawRepresentation)
            let context = EVP_MD_CTX_new()
            defer { EVP_MD_CTX_free(context) }
            guard EVP_DigestSignInit(context, nil, nil, nil, key.pointer) == 1 else {
                throw CryptoError.library("EVP_DigestSignInit failed")
            }
            let message = Array(message)
            var signature = [UInt8](repeating: 0, count: 64)
            var length = 64
            let status = message.withUnsafeBufferPointer {
                EVP_DigestSign(context, &signature, &length, $0.baseAddress, $0.count)
            }
            guard status == 1, length == 64 else { throw CryptoError.library("EVP_DigestSign failed") }
            return signature
        }
    }

    /// An Ed25519 public key.
    public struct PublicKey: Sendable, Equatable {
        /// The 32-byte encoded point.
        public let rawRepresentation: [UInt8]

        public init(rawRepresentation: [UInt8]) throws {
            guard rawRepresentation.count == 32 else { throw CryptoError.invalidKey("an Ed25519 public key is 32 bytes") }
            self.rawRepresentation = rawRepresentation
        }

        /// Whether `signature` is a valid signature of `message` by this key.
        public func isValidSignature(_ signature: some Collection<UInt8>, for message: some Collection<UInt8>) -> Bool {
            let signature = Array(signature)
            guard signature.count == 64, let key = try? RawKey(publicKey: rawRepresentation) else { return false }
            let context = EVP_MD_CTX_new()
            defer { EVP_MD_CTX_free(context) }
            guard EVP_DigestVerifyInit(context, nil, nil, nil, key.pointer) == 1 else { return false }
            let message = Array(message)
            return message.withUnsafeBufferPointer { messageBuffer in
                EVP_DigestVerify(context, signature, signature.count, messageBuffer.baseAddress, messageBuffer.count)
            } == 1
        }
    }

    /// An `EVP_PKEY` freed when it goes out of scope.
    private final class RawKey {
        let pointer: OpaquePointer

        init(privateSeed: [UInt8]) throws {
            guard let pointer = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nil, privateSeed, privateSeed.count) else {
                throw CryptoError.invalidKey("OpenSSL refused the Ed25519 seed")
            }
            self.pointer = pointer
        }

        init(publicKey: [UInt8]) throws {
            guard let pointer = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, publicKey, publicKey.count) else {
                throw CryptoError.invalidKey("OpenSSL refused the Ed25519 public key")
            }
            self.pointer = pointer
        }

        deinit { EVP_PKEY_free(pointer) }
    }
}
