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
    /// The bit-parallel matcher, for patterns of fewer than 64 tokens.
    private let automaton: GlobAutomaton?
    /// The pattern's bytes when it has no wildcard.
    let literal: [UInt8]?

    private init(pattern: String, tokens: [Token]) {
        self.pattern = pattern
        self.tokens = tokens
        self.automaton = GlobAutomaton(tokens)
        var bytes: [UInt8]? = []
        for token in tokens {
            guard case .literal(let byte) = token else {
                bytes = nil
                break
            }
            bytes?.append(byte)
        }
        self.literal = bytes
    }

    /// The most `**` a pattern may hold: matching is linear anyway, but a pattern that needs more says nothing a reader can follow.
    public static let maxDeepWildcards = 4

    /// Characters allowed in patterns besides letters and digits.
    static let punctuation = Set("._-/:@+*=".utf8)

    /// Parses a pattern; `nil` with a reason when it is not a valid glob.
    ///
    /// - Parameter maxDeepWildcards: the most `**` allowed; versions stored before the limit existed
    ///   are compiled with no limit (matching is linear either way), new documents with the limit.
    public static func parse(_ pattern: String, maxDeepWildcards: Int = Glob.maxDeepWildcards) -> Result<Glob, GlobError> {
        guard !pattern.isEmpty else { return .failure(GlobError(reason: "must not be empty")) }
        guard pattern.utf8.count <= 256 else { return .failure(GlobError(reason: "must be at most 256 characters")) }
        var tokens: [Token] = []
        var deepWildcards = 0
        let bytes = Array(pattern.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)
                    || punctuation.contains(byte)
            else { return .failure(GlobError(reason: "contains a character globs do not allow")) }
            if byte == UInt8(ascii: "*") {
                var stars = 1
                while index + stars < bytes.count, bytes[index + stars] == UInt8(ascii: "*") { stars += 1 }
                guard stars <= 2 else { return .failure(GlobError(reason: "has more than two * in a row")) }
                if stars == 2 { deepWildcards += 1 }
                guard deepWildcards <= maxDeepWildcards else {
                    return .failure(GlobError(reason: "has more than \(maxDeepWildcards) ** wildcards"))
                }
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
    ///
    /// Runs the pattern as a nondeterministic automaton over the text, one set of live positions
    /// per byte: O(pattern × text) in the worst case, never exponential however many `**` it has.
    /// Patterns of fewer than 64 tokens use the bit-parallel ``GlobAutomaton``.
    func matches(utf8 text: [UInt8]) -> Bool {
        if let literal { return literal == text }
        if let automaton { return automaton.matches(text) }
        var live = [Bool](repeating: false, count: tokens.count + 1)
        var next = live
        live[0] = true
        closeOverEmptyMatches(&live)
        for byte in text {
            let separator = byte == UInt8(ascii: ".") || byte == UInt8(ascii: "/")
            var any = false
            for position in 0..<tokens.count where live[position] {
                switch tokens[position] {
                case .literal(let expected) where expected == byte:
                    next[position + 1] = true
                    any = true
                case .literal: break
                case .segment where separator: break
                case .segment, .any:
                    next[position] = true
                    any = true
                }
            }
            guard any else { return false }
            closeOverEmptyMatches(&next)
            swap(&live, &next)
            for position in next.indices { next[position] = false }
        }
        return live[tokens.count]
    }

    /// Wildcards may match nothing: a live wildcard makes the position after it live too.
    private func closeOverEmptyMatches(_ live: inout [Bool]) {
        for position in 0..<tokens.count where live[position] {
            switch tokens[position] {
            case .segment, .any: live[position + 1] = true
            case .literal: break
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
