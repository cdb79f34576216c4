import WritCrypto

/// The text of an API key: `writ_` + 22 random base62 characters (≥128 bits) + a 6-character
/// base62 CRC-32 checksum, so typos and truncations are refused before any lookup.
public struct APIKeyToken: Sendable, Equatable, CustomStringConvertible {
    static let prefix = "writ_"
    static let randomLength = 22
    static let checksumLength = 6
    /// Total length of a key.
    public static let length = prefix.count + randomLength + checksumLength

    /// The full key. Secret: shown to its creator once, then only its keyed hash is kept.
    public let text: String

    /// A new random key.
    public static func generate() -> APIKeyToken {
        let random = Base62.random(count: randomLength)
        return APIKeyToken(text: prefix + random + checksum(of: random))
    }

    /// Parses a presented key; `nil` when its form or checksum is wrong.
    public init?(parsing text: String) {
        guard text.count == Self.length, text.hasPrefix(Self.prefix) else { return nil }
        let body = text.dropFirst(Self.prefix.count)
        guard Base62.isValid(body) else { return nil }
        let random = body.prefix(Self.randomLength)
        guard Self.checksum(of: String(random)) == String(body.suffix(Self.checksumLength)) else { return nil }
        self.text = text
    }

    private init(text: String) {
        self.text = text
    }

    /// The first characters, safe to show in lists to recognise a key.
    public var displayPrefix: String { String(text.prefix(Self.prefix.count + 6)) }

    /// Never prints the key.
    public var description: String { "APIKeyToken(\(displayPrefix)…)" }

    private static func checksum(of random: String) -> String {
        Base62.encode(CRC32.checksum(Array(random.utf8)), width: checksumLength)
    }
}
