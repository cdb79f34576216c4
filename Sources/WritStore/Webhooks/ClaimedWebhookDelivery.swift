import Foundation
import WritCore

/// A delivery claimed for one attempt: everything needed to send it.
public struct ClaimedWebhookDelivery: Sendable {
    public let tenant: UUID
    public let id: UUID
    public let endpointID: UUID
    public let url: String
    public let kind: WebhookEndpoint.Kind
    public let eventType: WebhookEventType
    public let messageID: String
    public let payload: [UInt8]
    /// This attempt's number (1 for the first).
    public let attempt: Int
    /// The secrets that sign it, the current one first.
    public let secrets: [WebhookSecret]
}
