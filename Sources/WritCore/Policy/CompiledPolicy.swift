/// A policy ready to evaluate: rules indexed by the literal first segment of their action glob,
/// so an evaluation only looks at the rules that could match the intent's action.
public struct CompiledPolicy: Sendable {
    /// A count a rate rule needs: intents of a scope in a window.
    public struct RateQuery: Sendable, Hashable {
        public let scope: PolicyDocument.Rate.Scope
        public let seconds: Int

        public init(scope: PolicyDocument.Rate.Scope, seconds: Int) {
            self.scope = scope
            self.seconds = seconds
        }
    }

    public let document: PolicyDocument
    /// Rules whose action is a literal, by that action.
    private let exact: [String: [Int]]
    /// Rules whose action glob starts with a literal segment, by that segment.
    private let buckets: [String: [Int]]
    /// Rules that may match any action.
    private let general: [Int]
    /// Each rule's literal match patterns, precomputed as bytes.
    private let literals: [[String: [UInt8]]]
    /// Every count the rate rules may ask for; fetch them before ``evaluate(_:rateCounts:)``.
    public let rateQueries: Set<RateQuery>

    public init(_ document: PolicyDocument) {
        self.document = document
        var exact: [String: [Int]] = [:]
        var buckets: [String: [Int]] = [:]
        var general: [Int] = []
        for (index, rule) in document.rules.enumerated() {
            if let action = rule.match["action"], action.literal != nil {
                exact[action.pattern, default: []].append(index)
            } else if let prefix = rule.match["action"]?.literalFirstSegment {
                buckets[prefix, default: []].append(index)
            } else {
                general.append(index)
            }
        }
        self.exact = exact
        self.buckets = buckets
        self.general = general
        self.literals = document.rules.map { rule in rule.match.compactMapValues(\.literal) }
        self.rateQueries = Set(document.rules.compactMap { $0.rate.map { RateQuery(scope: $0.scope, seconds: $0.seconds) } })
    }

    /// Classifies `input`: every matching rule counts, the strictest effect wins, no match gives the default tier.
    public func evaluate(_ input: PolicyInput, rateCounts: [RateQuery: Int] = [:]) -> Decision {
        let firstSegment = input.action.split(whereSeparator: { $0 == "." || $0 == "/" }).first.map(String.init) ?? input.action
        let candidates = Self.merge(Self.merge(exact[input.action] ?? [], buckets[firstSegment] ?? []), general)
        let values = MatchValues(input)
        var subject: JSONValue?
        var matched: [(rule: PolicyDocument.Rule, reason: String)] = []
        for index in candidates {
            let rule = document.rules[index]
            guard let fields = Self.matchedFields(rule, literals: literals[index], values: values) else { continue }
            if subject == nil, !rule.when.isEmpty { subject = input.subject }
            if let reason = Self.reason(rule, fields: fields, subject: subject ?? .null, rateCounts: rateCounts) {
                matched.append((rule, reason))
            }
        }
        let strictest = matched.map(\.rule.effect).max()
        let decided = matched.map { Decision.MatchedRule(id: $0.rule.id, reason: $0.reason) }
        guard strictest != .deny else {
            return Decision(outcome: .deny, tier: nil, rules: decided, approvals: nil, warrantTTL: document.defaults.warrantTTL)
        }
        let tier: Tier = if case .tier(let tier) = strictest { tier } else { document.defaults.tier }
        let rules =
            decided.isEmpty
            ? [Decision.MatchedRule(id: "default", reason: "no rule matched; the default tier is \(document.defaults.tier.rawValue)")]
            : decided
        let sameTier = matched.filter { $0.rule.effect == .tier(tier) }.compactMap(\.rule.approvals)
        return Decision(
            outcome: .allow, tier: tier, rules: rules, approvals: approvals(for: tier, from: sameTier),
            warrantTTL: document.defaults.warrantTTL)
    }

    private func approvals(for tier: Tier, from rules: [PolicyDocument.Approvals]) -> Decision.Approvals? {
        let roles = Array(Set(rules.flatMap(\.roles))).sorted()
        switch tier {
        case .t0:
            return nil
        case .t1:
            return .init(
                count: rules.map(\.count).max() ?? 1, roles: roles.isEmpty ? [.admin, .operator] : roles, mfa: false,
                veto: nil, timeout: document.defaults.approvalTimeout)
        case .t2:
            return .init(
                count: rules.map(\.count).max() ?? 2, roles: roles.isEmpty ? [.admin, .approver] : roles, mfa: true,
                veto: nil, timeout: document.defaults.approvalTimeout)
        case .t3:
            return .init(
                count: document.board.quorum, roles: [.board], mfa: false, veto: document.board.veto,
                timeout: document.board.timeout)
        }
    }

    /// The intent's match fields as UTF-8, computed once per evaluation.
    private struct MatchValues {
        let byField: [String: [(text: String, bytes: [UInt8])]]

        init(_ input: PolicyInput) {
            var byField: [String: [(String, [UInt8])]] = [:]
            for field in ["action", "resource", "agent", "team"] {
                byField[field] = input.matchValues(field).map { ($0, Array($0.utf8)) }
            }
            self.byField = byField
        }
    }

    /// The match clauses of `rule` as reasons, or `nil` when one of them fails.
    private static func matchedFields(_ rule: PolicyDocument.Rule, literals: [String: [UInt8]], values: MatchValues) -> [String]? {
        var parts: [String] = []
        for field in ["action", "resource", "agent", "team"] {
            guard let glob = rule.match[field] else { continue }
            let candidates = values.byField[field] ?? []
            let hit: String?
            if let literal = literals[field] {
                hit = candidates.first { $0.bytes == literal }?.text
            } else {
                hit = candidates.first { glob.matches(utf8: $0.bytes) }?.text
            }
            guard let value = hit else { return nil }
            parts.append("\(field) \(value) matches \(glob.pattern)")
        }
        return parts
    }

    /// Why `rule` matches given its matched fields, or `nil` when a condition or rate does not hold.
    private static func reason(
        _ rule: PolicyDocument.Rule, fields: [String], subject: JSONValue, rateCounts: [RateQuery: Int]
    ) -> String? {
        var parts = fields
        for condition in rule.when {
            let (holds, text) = condition.evaluate(subject)
            guard holds else { return nil }
            parts.append(text)
        }
        if let rate = rule.rate {
            let count = rateCounts[RateQuery(scope: rate.scope, seconds: rate.seconds)] ?? 0
            guard count >= rate.max else { return nil }
            parts.append("\(count) intents of this \(rate.scope.rawValue) in the last \(rate.seconds)s ≥ \(rate.max)")
        }
        return parts.isEmpty ? "matches every intent" : parts.joined(separator: "; ")
    }

    /// Two ascending index lists merged, so rules are considered in document order.
    private static func merge(_ left: [Int], _ right: [Int]) -> [Int] {
        var result: [Int] = []
        result.reserveCapacity(left.count + right.count)
        var i = 0
        var j = 0
        while i < left.count || j < right.count {
            if j == right.count || (i < left.count && left[i] < right[j]) {
                result.append(left[i])
                i += 1
            } else {
                result.append(right[j])
                j += 1
            }
        }
        return result
    }
}
