import Foundation
import WritCore

/// One person's recorded decision on an intent, as the console shows "decided so far".
public struct IntentDecisionEntry: Sendable {
    public let userID: UUID
    public let email: String
    public let decision: ApprovalDecision
    public let comment: String?
    /// Whether a second factor was checked with the decision.
    public let mfa: Bool
    public let at: Date
}
