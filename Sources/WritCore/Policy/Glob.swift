/// A glob over dotted or slashed names: `*` matches within one segment (no `.` or `/`), `**`
/// matches across segments, everything else is literal.
public struct Glob: Sendable, Equatable, CustomStringConvertible {
    enum Token: Sendable, Equatable {
        case literal(UInt8)
        case segment
        case any
    }

    /// The pattern as written.
    public let pattern: String
    let tokens: [Token]

    /// Characters allowed in patterns besides letters and digits.
    static let punctuation = Set("._-/:@+*=".utf8)

    /// Parses a pattern; `nil` with a reason when it is not a valid glob.
    public static func parse(_ pattern: String) -> Result<Glob, GlobError> {
        guard !pattern.isEmpty else { return .failure(GlobError(reason: "must not be empty")) }
        guard pattern.utf8.count <= 256 else { return .failure(GlobError(reason: "must be at most 256 characters")) }
        var tokens: [Token] = []
        let bytes = Array(pattern.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)
                    || punctuation.contains(byte)
            else { return .failure(GlobError(reason: "contains a character globs do not allow")) }
            if byte == UInt8(ascii: "*") {
                var stars = 1
                while index + stars < bytes.count, bytes[index + stars] == UInt8(ascii: "*") { stars += 1 }
                guard stars <= 2 else { return .failure(GlobError(reason: "has more than two * in a row")) }
                tokens.append(stars == 2 ? .any : .segment)
                index += stars
            } else {
                tokens.append(.literal(byte))
                index += 1
            }
        }
        return .success(Glob(pattern: pattern, tokens: tokens))
    }

    /// Whether `text` matches the whole pattern.
    public func matches(_ text: String) -> Bool {
        matches(utf8: Array(text.utf8))
    }

    /// Whether the UTF-8 bytes of a text match the whole pattern.
    func matches(utf8 text: [UInt8]) -> Bool {
        if let literal { return literal == text }
        return Self.match(tokens[...], text[...])
    }

    /// The pattern's bytes when it has no wildcard.
    var literal: [UInt8]? {
        var bytes: [UInt8] = []
        for token in tokens {
            guard case .literal(let byte) = token else { return nil }
            bytes.append(byte)
        }
        return bytes
    }

    private static func match(_ tokens: ArraySlice<Token>, _ text: ArraySlice<UInt8>) -> Bool {
        guard let first = tokens.first else { return text.isEmpty }
        let rest = tokens.dropFirst()
        switch first {
        case .literal(let byte):
            return text.first == byte && match(rest, text.dropFirst())
        case .segment:
            var candidate = text
            while true {
                if match(rest, candidate) { return true }
                guard let next = candidate.first, next != UInt8(ascii: "."), next != UInt8(ascii: "/") else { return false }
                candidate = candidate.dropFirst()
            }
        case .any:
            var candidate = text
            while true {
                if match(rest, candidate) { return true }
                guard !candidate.isEmpty else { return false }
                candidate = candidate.dropFirst()
            }
        }
    }

    /// The literal text before the first `.` or `/`, when the pattern's first segment has no wildcard.
    var literalFirstSegment: String? {
        var bytes: [UInt8] = []
        for token in tokens {
            switch token {
            case .literal(let byte) where byte == UInt8(ascii: ".") || byte == UInt8(ascii: "/"):
                return String(decoding: bytes, as: UTF8.self)
            case .literal(let byte): bytes.append(byte)
            case .segment, .any: return nil
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    public var description: String { pattern }
}

/// Why a glob was refused.
public struct GlobError: Error, Sendable {
    public let reason: String
}
