import WritCore

/// One event of the audit chain as `/v1/audit` lists it.
struct AuditEventBody: Decodable {
    let seq: Int
    let type: String
    /// What the event records; its members depend on the type.
    let data: [String: JSONValue]?
}

/// A signed checkpoint of the audit chain.
struct CheckpointBody: Decodable {
    let seq: Int
    let hash: String
}

/// `/v1/audit/verify`: whether the chain as stored verifies, and where it breaks if not.
struct AuditVerificationBody: Decodable {
    let valid: Bool
    let checked: Int
    let checkpoints: Int
    let firstBadSeq: Int?
    let reason: String?
    /// The purge boundary, once events have been purged.
    let purgedBefore: Int?

    private enum CodingKeys: String, CodingKey {
        case valid, checked, checkpoints, reason
        case firstBadSeq = "first_bad_seq"
        case purgedBefore = "purged_before"
    }
}

/// `/v1/overview`: counts of the last days, median times to decision, and the plan's use.
struct OverviewBody: Decodable {
    /// Intents of one day, tier and status.
    struct Count: Decodable {
        let day: String
        let tier: String?
        let status: String
        let count: Int
    }

    /// The plan's limits and what the tenant uses of them.
    struct PlanUse: Decodable {
        let activeAgents: Int
        let intentsThisMonth: Int
        let maxActiveAgents: Int

        private enum CodingKeys: String, CodingKey {
            case activeAgents = "active_agents"
            case intentsThisMonth = "intents_this_month"
            case maxActiveAgents = "max_active_agents"
        }
    }

    let counts: [Count]
    /// Seconds, by tier.
    let medianSecondsToDecision: [String: Double]
    let plan: PlanUse

    private enum CodingKeys: String, CodingKey {
        case counts, plan
        case medianSecondsToDecision = "median_seconds_to_decision"
    }
}
