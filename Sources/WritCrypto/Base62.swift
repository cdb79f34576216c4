/// Base62 text (0-9, A-Z, a-z) for API keys: URL-safe, no punctuation, double-click selectable.
public enum Base62 {
    static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    /// `count` random base62 characters (≈5.95 bits each), drawn without bias.
    public static func random(count: Int) -> String {
        String(decoding: (0..<count).map { _ in alphabet[Int(SecureRandom.uniform(below: 62))] }, as: UTF8.self)
    }

    /// `value` in exactly `width` base62 digits (most significant first).
    public static func encode(_ value: UInt32, width: Int) -> String {
        var digits = [UInt8](repeating: alphabet[0], count: width)
        var remaining = value
        for index in stride(from: width - 1, through: 0, by: -1) {
            digits[index] = alphabet[Int(remaining % 62)]
            remaining /= 62
        }
        return String(decoding: digits, as: UTF8.self)
    }

    /// Whether every character is in the alphabet.
    public static func isValid(_ text: Substring) -> Bool {
        text.utf8.allSatisfy { alphabet.contains($0) }
    }
}
