/// A glob of fewer than 64 tokens as a bit-parallel automaton (shift-and): bit `i` of the state
/// says "the first `i` tokens have matched the text read so far", so one text byte advances every
/// position at once in a handful of word operations, without allocating.
struct GlobAutomaton: Sendable, Equatable {
    /// Positions holding `*` or `**` (they may match nothing).
    private let stars: UInt64
    /// Positions holding `**` (they take any byte and stay).
    private let deep: UInt64
    /// Positions holding `*` (they take any byte but `.` and `/` and stay).
    private let shallow: UInt64
    /// For each byte the pattern holds literally, the positions holding it.
    private let literals: [(byte: UInt8, positions: UInt64)]
    /// The bit that means "every token matched".
    private let accept: UInt64

    /// `nil` when the pattern has too many tokens for one word.
    init?(_ tokens: [Glob.Token]) {
        guard tokens.count < 64 else { return nil }
        var deep: UInt64 = 0
        var shallow: UInt64 = 0
        var literals: [UInt8: UInt64] = [:]
        for (position, token) in tokens.enumerated() {
            let bit = UInt64(1) << UInt64(position)
            switch token {
            case .literal(let byte): literals[byte, default: 0] |= bit
            case .segment: shallow |= bit
            case .any: deep |= bit
            }
        }
        self.deep = deep
        self.shallow = shallow
        self.stars = deep | shallow
        self.literals = literals.map { ($0.key, $0.value) }.sorted { $0.byte < $1.byte }
        self.accept = UInt64(1) << UInt64(tokens.count)
    }

    /// Whether `text` matches the whole pattern.
    func matches(_ text: [UInt8]) -> Bool {
        var live = closed(1)
        for byte in text {
            var literal: UInt64 = 0
            for entry in literals where entry.byte == byte {
                literal = entry.positions
                break
            }
            let separator = byte == UInt8(ascii: ".") || byte == UInt8(ascii: "/")
            let staying = deep | (separator ? 0 : shallow)
            live = closed(((live & literal) << 1) | (live & staying))
            if live == 0 { return false }
        }
        return live & accept != 0
    }

    /// A live wildcard may match nothing, so the position after it is live too (two wildcards are
    /// never adjacent: `***` is refused and `**` is one token).
    private func closed(_ live: UInt64) -> UInt64 {
        live | ((live & stars) << 1)
    }

    static func == (lhs: GlobAutomaton, rhs: GlobAutomaton) -> Bool {
        lhs.stars == rhs.stars && lhs.deep == rhs.deep && lhs.accept == rhs.accept
            && lhs.literals.elementsEqual(rhs.literals) { $0.byte == $1.byte && $0.positions == $1.positions }
    }
}
