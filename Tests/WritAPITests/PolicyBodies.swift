import WritCore

/// How the policy classified an intent: on the intent, and as `/v1/policies/simulate` answers.
struct PolicyDecisionBody: Decodable {
    /// A matched rule and why it matched.
    struct Rule: Decodable {
        let id: String
        let reason: String
    }

    /// What approval the tier asks for (absent for T0 and deny).
    struct Approvals: Decodable {
        let mfa: Bool
    }

    /// The policy a simulation used.
    struct Policy: Decodable {
        let draft: Bool
    }

    let outcome: String
    /// Absent when denied.
    let tier: String?
    let rules: [Rule]
    let approvals: Approvals?
    /// Only in a simulation's answer.
    let policy: Policy?
}

/// A policy version: as `/v1/policy` and its versions show it, or just the `version` a save made.
struct PolicyVersionBody: Decodable {
    let version: Int
    let comment: String?
    /// The document itself (a single version only).
    let document: [String: JSONValue]?
}

/// What `/v1/policies/backtest` found replaying recorded intents.
struct BacktestBody: Decodable {
    /// One intent whose tier the draft would change.
    struct Change: Decodable {
        let old: String
        let new: String
    }

    let replayed: Int
    let changed: Int
    /// Counts by `old->new` tier.
    let totals: [String: Int]
    let changes: [Change]
}
