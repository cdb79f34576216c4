import WritCrypto

/// Every key Writ derives from the master key, derived once at start-up. Components are handed
/// the derived key they need, never the master key itself.
public struct KeyRing: Sendable, SecretHolding {
    /// Keyed hashes of secrets: API keys, session and invitation tokens, recovery codes, throttle subjects.
    public let hasher: KeyedHasher
    /// Seals signing keys, TOTP secrets, warrant signatures and webhook secrets.
    public let sealer: Sealer
    /// Tokens of mailed links (board approval, invitation).
    public let links: LinkTokens

    public init(masterKey: [UInt8]) {
        hasher = KeyedHasher(masterKey: masterKey)
        sealer = Sealer(masterKey: masterKey)
        links = LinkTokens(masterKey: masterKey)
    }
}
