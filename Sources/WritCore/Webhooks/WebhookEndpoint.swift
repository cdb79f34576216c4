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

/// One event on its way to one endpoint, and how its attempts went.
public struct WebhookDelivery: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable {
        case pending, delivered, failed
    }

    /// One try: when, how long, and what came back (or why nothing did).
    public struct Attempt: Sendable, Equatable {
        public let number: Int
        public let startedAt: Date
        public let durationMilliseconds: Int?
        public let statusCode: Int?
        public let error: String?
        public let responseExcerpt: String?

        public init(number: Int, startedAt: Date, durationMilliseconds: Int?, statusCode: Int?, error: String?, responseExcerpt: String?) {
            self.number = number
            self.startedAt = startedAt
            self.durationMilliseconds = durationMilliseconds
            self.statusCode = statusCode
            self.error = error
            self.responseExcerpt = responseExcerpt
        }
    }

    public let id: UUID
    public let endpointID: UUID
    public let eventType: WebhookEventType
    public let messageID: String
    public let auditSeq: Int64
    public let status: Status
    public let attempts: Int
    public let nextAttemptAt: Date?
    public let deliveredAt: Date?
    public let createdAt: Date
    /// Every attempt, when asked for.
    public let attemptLog: [Attempt]?

    public init(
        id: UUID, endpointID: UUID, eventType: WebhookEventType, messageID: String, auditSeq: Int64, status: Status, attempts: Int,
        nextAttemptAt: Date?, deliveredAt: Date?, createdAt: Date, attemptLog: [Attempt]?
    ) {
        self.id = id
        self.endpointID = endpointID
        self.eventType = eventType
        self.messageID = messageID
        self.auditSeq = auditSeq
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.deliveredAt = deliveredAt
        self.createdAt = createdAt
        self.attemptLog = attemptLog
    }
}
