import WritCore

/// `/.well-known/authzen-configuration`: where the decision point and its endpoints are.
struct AuthZENMetadataBody: Decodable {
    let policyDecisionPoint: String
    let accessEvaluationEndpoint: String
    let accessEvaluationsEndpoint: String

    private enum CodingKeys: String, CodingKey {
        case policyDecisionPoint = "policy_decision_point"
        case accessEvaluationEndpoint = "access_evaluation_endpoint"
        case accessEvaluationsEndpoint = "access_evaluations_endpoint"
    }
}

/// One AuthZEN decision: `true` or `false`, with Writ's context (the intent, or the error of an
/// evaluation a batch refused in place).
struct AuthZENDecisionBody: Decodable {
    /// Why, and what next: which members are present depends on the intent's status.
    struct Context: Decodable {
        /// An evaluation a batch could not file.
        struct Failure: Decodable {
            let status: Int
            let message: String
        }

        let intentID: String?
        let status: String?
        let tier: String?
        let rules: [String]?
        let reason: String?
        /// Only with a `true` decision.
        let warrant: String?
        /// Only while the intent waits for approval.
        let approvalURL: String?
        let error: Failure?

        private enum CodingKeys: String, CodingKey {
            case status, tier, rules, reason, warrant, error
            case intentID = "intent_id"
            case approvalURL = "approval_url"
        }
    }

    let decision: Bool
    let context: Context
}

/// A batch's answer: one decision per evaluation run.
struct AuthZENBatchBody: Decodable {
    let evaluations: [AuthZENDecisionBody]
}

/// The AuthZEN working group's Todo interoperability scenario (the fixture's requests and expected
/// decisions).
struct AuthZENScenario: Decodable {
    /// A request and what it must decide.
    struct Case<Expected: Decodable>: Decodable {
        let request: JSONValue
        let expected: Expected
    }

    /// An expected decision of a batch.
    struct Expected: Decodable {
        let decision: Bool
    }

    let evaluation: [Case<Bool>]
    let evaluations: [Case<[Expected]>]
}
