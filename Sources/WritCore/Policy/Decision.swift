/// The outcome of classifying an intent, with every rule that matched and why (CONTRACT §7).
public struct Decision: Sendable, Equatable {
    public enum Outcome: String, Sendable { case allow, deny }

    /// A rule that counted, and the reason in words.
    public struct MatchedRule: Sendable, Equatable {
        public let id: String
        public let reason: String
    }

    /// What approval the tier needs.
    public struct Approvals: Sendable, Equatable {
        /// Distinct approvers needed; for T3 `nil` means a strict majority of the board.
        public let count: Int?
        /// Roles an approver must hold (any of them).
        public let roles: [Role]
        /// Whether each approver confirms with a TOTP code.
        public let mfa: Bool
        /// For T3: whether one rejection vetoes.
        public let veto: Bool?
        /// Seconds until an undecided intent expires.
        public let timeout: Int
    }

    public let outcome: Outcome
    /// Absent when denied.
    public let tier: Tier?
    public let rules: [MatchedRule]
    /// Absent for T0 and deny.
    public let approvals: Approvals?
    /// Lifetime of the warrant, seconds.
    public let warrantTTL: Int

    /// The decision as the API shows it.
    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "outcome": .string(outcome.rawValue),
            "rules": .array(rules.map { ["id": .string($0.id), "reason": .string($0.reason)] }),
            "warrant_ttl": .number(Double(warrantTTL)),
            "approvals": approvals.map { approvals in
                var value: [String: JSONValue] = [
                    "count": approvals.count.map { .number(Double($0)) } ?? .null,
                    "roles": .array(approvals.roles.map { .string($0.rawValue) }), "mfa": .bool(approvals.mfa),
                    "timeout": .number(Double(approvals.timeout)),
                ]
                if let veto = approvals.veto { value["veto"] = .bool(veto) }
                return .object(value)
            } ?? .null,
        ]
        if let tier { object["tier"] = .string(tier.rawValue) }
        return .object(object)
    }
}
