import WritCore

/// An intent as `/v1/intents`, its decisions and the approval queue show it.
struct IntentBody: Decodable {
    let id: String
    let status: String
    /// `null` for a denied intent.
    let tier: String?
    let decision: PolicyDecisionBody
    let params: [String: JSONValue]
    let target: String?
    let justification: String?
    let expiresAt: String?
    /// Only for the agent that submitted the intent, once approved.
    let warrant: String?
    /// Once a warrant has been issued.
    let warrantClaims: WarrantClaimsBody?
    /// The approvals recorded so far (the queue and a person's view of one intent only).
    let decisions: [ApprovalDecisionBody]?

    private enum CodingKeys: String, CodingKey {
        case id, status, tier, decision, params, target, justification, warrant, decisions
        case expiresAt = "expires_at"
        case warrantClaims = "warrant_claims"
    }
}

/// One person's recorded decision on an intent.
struct ApprovalDecisionBody: Decodable {
    let userID: String
    let decision: String
    let comment: String?
    let mfa: Bool

    private enum CodingKeys: String, CodingKey {
        case decision, comment, mfa
        case userID = "user_id"
    }
}

/// The claims of a warrant, as an intent or a verification shows them.
struct WarrantClaimsBody: Decodable {
    let jti: String
    let aud: String
    let tier: String
    let action: String
    let resource: String
    let actionDigest: String

    private enum CodingKeys: String, CodingKey {
        case jti, aud, tier, action, resource
        case actionDigest = "action_digest"
    }
}
