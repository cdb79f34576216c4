/// A validated policy document (CONTRACT §7).
public struct PolicyDocument: Sendable, Equatable {
    /// Tier and timings when no rule says otherwise.
    public struct Defaults: Sendable, Equatable {
        public var tier: Tier = .t1
        public var warrantTTL: Int = 300
        public var approvalTimeout: Int = 86_400
    }

    /// Who must approve, for rules of tier T1 and T2.
    public struct Approvals: Sendable, Equatable {
        public let count: Int
        public let roles: [Role]
    }

    /// A rate condition: the rule counts when the scope's intents in the window reach `max`.
    public struct Rate: Sendable, Equatable, Hashable {
        public enum Scope: String, Sendable, CaseIterable { case agent, team, tenant }
        public let max: Int
        public let seconds: Int
        public let scope: Scope
    }

    /// One rule.
    public struct Rule: Sendable, Equatable {
        public let id: String
        /// Globs by field: `action`, `resource`, `agent`, `team`.
        public let match: [String: Glob]
        public let when: [Condition]
        public let effect: RuleEffect
        public let approvals: Approvals?
        public let rate: Rate?
    }

    /// The board's quorum rules for T3.
    public struct Board: Sendable, Equatable {
        /// Approvals needed; `nil` means a strict majority of the board.
        public var quorum: Int?
        public var veto = true
        public var timeout = 72 * 3600
    }

    public var defaults: Defaults
    public var rules: [Rule]
    public var board: Board
    /// The document as submitted, canonical, for storage and display.
    public let source: JSONValue

    /// The longest warrant lifetime a policy may set.
    public static let maxWarrantTTL = 3600
}
