import Foundation
import WritCore

/// An intent as the API shows it.
public struct IntentRecord: Sendable {
    public let id: UUID
    public let agentID: UUID?
    /// The API key that submitted it: the one credential its warrant is handed to.
    public let apiKeyID: UUID?
    public let teamID: UUID
    public let action: String
    public let resource: String
    public let params: JSONValue
    public let target: String?
    public let justification: String?
    public let status: IntentStatus
    public let tier: Tier?
    public let decision: JSONValue
    public let expiresAt: Date?
    public let createdAt: Date
    /// The warrant as just signed (token and claims), when this record comes from the call that issued it.
    public let issuedWarrant: (token: String, claims: JSONValue)?
    /// The stored warrant (claims readable, signature sealed), when there is one.
    public let storedWarrant: StoredWarrant?
}
