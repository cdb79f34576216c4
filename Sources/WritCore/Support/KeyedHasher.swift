import WritCrypto

/// Keyed hashes of secrets (API keys, session and invitation tokens, recovery codes): HMAC-SHA-256
/// under a pepper derived from the master key, so a stolen table alone cannot confirm a guess.
public struct KeyedHasher: Sendable, SecretHolding {
    private let pepper: [UInt8]

    /// Derives the pepper from the 32-byte master key.
    public init(masterKey: [UInt8]) {
        pepper = HMACSHA256.authenticate(Array("writ/secret-hash/v1".utf8), key: masterKey)
    }

    /// The 32-byte keyed hash of `secret`.
    public func hash(_ secret: String) -> [UInt8] {
        HMACSHA256.authenticate(Array(secret.utf8), key: pepper)
    }
}

/// Seals private keys (and TOTP secrets) with AES-256-GCM under the master key, bound to a context.
public struct Sealer: Sendable, SecretHolding {
    private let key: [UInt8]

    public init(masterKey: [UInt8]) {
        key = HMACSHA256.authenticate(Array("writ/seal/v1".utf8), key: masterKey)
    }

    /// Seals `plaintext`; `context` (e.g. tenant and key id) must be given again to open it.
    public func seal(_ plaintext: [UInt8], context: String) throws -> [UInt8] {
        try AESGCM.seal(plaintext, key: key, associatedData: Array(context.utf8))
    }

    /// Opens a sealed value; throws when it or its context was changed.
    public func open(_ sealed: [UInt8], context: String) throws -> [UInt8] {
        try AESGCM.open(sealed, key: key, associatedData: Array(context.utf8))
    }
}
