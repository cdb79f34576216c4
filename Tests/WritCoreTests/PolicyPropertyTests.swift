import Testing
import WritCore

/// SplitMix64: a small seeded generator so every run checks the same cases.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Policy properties", .timeLimit(.minutes(3)))
struct PolicyPropertyTests {
    static let actions = ["k8s.*", "k8s.**", "payments.*", "*.read", "**", "db.drop", "s3.*", "**.delete"]
    static let resources = ["prod/*", "staging/*", "**", "prod/web"]
    static let operators = [">", "<", "==", "exists", "in"]
    static let inputActions = ["k8s.scale", "k8s.pods.delete", "payments.send", "s3.read", "db.drop", "misc", "s3.objects.delete"]
    static let inputResources = ["prod/web", "staging/db", "x"]

    static func randomRule(_ index: Int, _ random: inout SeededGenerator) -> JSONValue {
        var match: [String: JSONValue] = ["action": .string(actions.randomElement(using: &random)!)]
        if Bool.random(using: &random) { match["resource"] = .string(resources.randomElement(using: &random)!) }
        var rule: [String: JSONValue] = ["id": .string("r\(index)"), "match": .object(match)]
        if Bool.random(using: &random) {
            let op = operators.randomElement(using: &random)!
            let value: JSONValue =
                switch op {
                case "exists": .bool(Bool.random(using: &random))
                case "in": [.number(Double(Int.random(in: 0...10, using: &random))), 50]
                default: .number(Double(Int.random(in: 0...100, using: &random)))
                }
            rule["when"] = [["path": "params.n", "op": .string(op), "value": value]]
        }
        if Int.random(in: 0..<12, using: &random) == 0 {
            rule["effect"] = "deny"
        } else {
            rule["tier"] = .string(Tier.allCases.randomElement(using: &random)!.rawValue)
        }
        return .object(rule)
    }

    static func randomInput(_ random: inout SeededGenerator) -> PolicyInput {
        PolicyInput(
            action: inputActions.randomElement(using: &random)!, resource: inputResources.randomElement(using: &random)!,
            params: ["n": .number(Double(Int.random(in: 0...100, using: &random)))], teamID: "team")
    }

    static func compile(_ rules: [JSONValue], defaultTier: String = "T1") throws -> CompiledPolicy {
        CompiledPolicy(try PolicyParser.parse(["defaults": ["tier": .string(defaultTier)], "rules": .array(rules)]).get())
    }

    /// deny ranks above every tier.
    static func rank(_ decision: Decision) -> Int {
        decision.outcome == .deny ? 4 : Tier.allCases.firstIndex(of: decision.tier!)!
    }

    @Test("adding a rule never lowers a decision some rule already made", arguments: 1...40)
    func addingNeverLowers(seed: Int) throws {
        var random = SeededGenerator(state: UInt64(seed))
        let rules = (0..<Int.random(in: 1...30, using: &random)).map { Self.randomRule($0, &random) }
        let before = try Self.compile(rules)
        let after = try Self.compile(rules + [Self.randomRule(999, &random)])
        for _ in 0..<50 {
            let input = Self.randomInput(&random)
            let old = before.evaluate(input)
            guard old.rules.first?.id != "default" else { continue }
            #expect(Self.rank(after.evaluate(input)) >= Self.rank(old))
        }
    }

    @Test("with no rules every intent gets the default tier", arguments: Tier.allCases)
    func noRulesGivesDefault(tier: Tier) throws {
        var random = SeededGenerator(state: 7)
        let policy = try Self.compile([], defaultTier: tier.rawValue)
        for _ in 0..<100 {
            let decision = policy.evaluate(Self.randomInput(&random))
            #expect(decision.tier == tier)
            #expect(decision.outcome == .allow)
        }
    }

    @Test("evaluation is deterministic, independent of rule order, and the index changes nothing", arguments: 1...40)
    func deterministicAndIndexed(seed: Int) throws {
        var random = SeededGenerator(state: UInt64(seed) &* 31)
        let rules = (0..<Int.random(in: 1...40, using: &random)).map { Self.randomRule($0, &random) }
        let policy = try Self.compile(rules)
        let shuffled = try Self.compile(rules.shuffled(using: &random))
        let singles = try rules.map { try Self.compile([$0]) }
        let empty = try Self.compile([])
        for _ in 0..<50 {
            let input = Self.randomInput(&random)
            let decision = policy.evaluate(input)
            #expect(decision == policy.evaluate(input))
            #expect(Self.rank(decision) == Self.rank(shuffled.evaluate(input)))
            #expect(Set(decision.rules.map(\.id)) == Set(shuffled.evaluate(input).rules.map(\.id)))
            // Brute force: each rule alone, the strictest that matched, else the default.
            let matched = singles.map { $0.evaluate(input) }.filter { $0.rules.first?.id != "default" }
            let expected = matched.map(Self.rank).max() ?? Self.rank(empty.evaluate(input))
            #expect(Self.rank(decision) == expected)
        }
    }
}
