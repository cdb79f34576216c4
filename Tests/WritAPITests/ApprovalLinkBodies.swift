/// What a board member's approval link shows when viewed.
struct ApprovalLinkBody: Decodable {
    /// The intent as the link shows it.
    struct Intent: Decodable {
        let justification: String?
        let quorum: Int
    }

    let intent: Intent
}

/// What a decision through an approval link answers: the intent's status after it.
struct ApprovalLinkDecisionBody: Decodable {
    let status: String
    let intent: String
}
