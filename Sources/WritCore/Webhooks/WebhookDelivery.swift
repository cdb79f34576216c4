import Foundation

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
