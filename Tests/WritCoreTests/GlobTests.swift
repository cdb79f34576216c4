import Foundation
import Testing
import WritCore

@Suite("Globs: linear-time matching and bounded patterns", .timeLimit(.minutes(1)))
struct GlobTests {
    /// The reference: the same glob as an anchored regular expression.
    static func regex(_ pattern: String) throws -> NSRegularExpression {
        var text = "^"
        var index = pattern.startIndex
        while index < pattern.endIndex {
            if pattern[index...].hasPrefix("**") {
                text += ".*"
                index = pattern.index(index, offsetBy: 2)
            } else if pattern[index] == "*" {
                text += "[^./]*"
                index = pattern.index(after: index)
            } else {
                text += NSRegularExpression.escapedPattern(for: String(pattern[index]))
                index = pattern.index(after: index)
            }
        }
        return try NSRegularExpression(pattern: text + "$")
    }

    static func glob(_ pattern: String) throws -> Glob {
        try Glob.parse(pattern).get()
    }

    @Test("the review's pathological pattern is refused when a policy is validated")
    func pathologicalPatternRefused() throws {
        guard case .failure(let error) = Glob.parse("**a**a**a**a**b") else {
            Issue.record("a pattern with five ** was accepted")
            return
        }
        #expect(error.reason.contains("**"))
        // A version saved before the limit still compiles (matching is linear anyway), and is fast.
        let stored = try PolicyParser.parse(
            try JSONParser.parse(#"{"rules":[{"id":"old","match":{"action":"**a**a**a**a**b"},"tier":"T3"}]}"#),
            stored: true
        ).get()
        let decision = CompiledPolicy(stored).evaluate(PolicyInput(action: String(repeating: "a", count: 256), resource: "r", teamID: "t"))
        #expect(!decision.rules.contains { $0.id == "old" })
        #expect(throws: PolicyParser.Invalid.self) {
            try PolicyParser.parse(try JSONParser.parse(#"{"rules":[{"id":"new","match":{"action":"**a**a**a**a**b"},"tier":"T3"}]}"#))
                .get()
        }
    }

    @Test("the most ** a pattern may hold, against a long text that almost matches, answers at once")
    func worstAllowedPatternIsLinear() throws {
        // With backtracking this is about C(2000, 4) ≈ 7·10¹¹ steps: it never finishes within the
        // suite's time limit. The automaton takes 2,000 × 10 steps.
        let pattern = try Self.glob("**a**a**a**a" + "b")
        let text = String(repeating: "a", count: 2000)
        #expect(!pattern.matches(text))
        #expect(pattern.matches(text + "b"))
        let policy = try PolicyParser.parse(
            try JSONParser.parse(#"{"rules":[{"id":"slow","match":{"action":"**a**a**a**ab"},"tier":"T3"}]}"#)
        ).get()
        let compiled = CompiledPolicy(policy)
        let decision = compiled.evaluate(PolicyInput(action: String(repeating: "a", count: 256), resource: "r", teamID: "t"))
        #expect(!decision.rules.contains { $0.id == "slow" })
    }

    @Test("the automaton agrees with a regular expression on random patterns and texts", arguments: [0, 70])
    func agreesWithRegularExpressions(prefixLength: Int) throws {
        // A long literal prefix takes patterns past 64 tokens, onto the general automaton.
        let prefix = String(repeating: "a", count: prefixLength)
        var random = SeededGenerator(state: 9)
        let pieces = ["a", "b", ".", "/", "*", "**", "ab", "-"]
        let letters = Array("ab./-")
        for _ in 0..<2000 {
            var pattern = prefix
            var deep = 0
            for _ in 0..<Int.random(in: 1...8, using: &random) {
                var piece = pieces.randomElement(using: &random)!
                if piece == "**" {
                    deep += 1
                    if deep > Glob.maxDeepWildcards { piece = "a" }
                }
                // Three stars in a row is refused; keep the generated patterns valid.
                if piece.hasPrefix("*"), pattern.hasSuffix("*") { piece = "." }
                pattern += piece
            }
            let glob = try Self.glob(pattern)
            let expression = try Self.regex(pattern)
            for _ in 0..<10 {
                let text = prefix + String((0..<Int.random(in: 0...12, using: &random)).map { _ in letters.randomElement(using: &random)! })
                let expected = expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
                #expect(glob.matches(text) == expected, "\(pattern) on \(text)")
            }
        }
    }
}
