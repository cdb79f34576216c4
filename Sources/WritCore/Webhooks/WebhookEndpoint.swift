import Foundation

/// Where a tenant's webhook events go.
public struct WebhookEndpoint: Sendable, Equatable {
    /// How the endpoint is spoken to.
    public enum Kind: String, Sendable, CaseIterable {
        /// Standard Webhooks: the JSON payload, signed with the endpoint's secret.
        case standard
        /// A Slack incoming webhook: a readable message; the URL itself is the secret.
        case slack
    }

    public let id: UUID
    /// Where deliveries go; for Slack endpoints only ``redacted(_:)`` of it.
    public let url: String
    public let kind: Kind
    public let events: [WebhookEventType]
    public let description: String?
    /// Deliveries strictly one after another, a failing one holding back the rest.
    public let ordered: Bool
    /// Until when the secret before the last rotation still signs too.
    public let previousSecretUntil: Date?
    /// Since when every attempt has failed (`nil` after a success).
    public let failingSince: Date?
    public let disabledAt: Date?
    public let disabledReason: String?
    public let createdAt: Date

    public init(
        id: UUID, url: String, kind: Kind, events: [WebhookEventType], description: String?, ordered: Bool, previousSecretUntil: Date?,
        failingSince: Date?, disabledAt: Date?, disabledReason: String?, createdAt: Date
    ) {
        self.id = id
        self.url = url
        self.kind = kind
        self.events = events
        self.description = description
        self.ordered = ordered
        self.previousSecretUntil = previousSecretUntil
        self.failingSince = failingSince
        self.disabledAt = disabledAt
        self.disabledReason = disabledReason
        self.createdAt = createdAt
    }
}

extension WebhookEndpoint {
    /// A URL without the parts that work as a credential (path, query): what is shown and stored
    /// in the clear for endpoints whose URL is their secret, like Slack's incoming webhooks.
    public static func redacted(_ url: String) -> String {
        guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host else { return "…" }
        return "\(scheme)://\(host)\(components.port.map { ":\($0)" } ?? "")/…"
    }
}
