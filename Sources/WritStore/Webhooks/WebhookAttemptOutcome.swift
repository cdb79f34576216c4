import Foundation

/// What one attempt came to.
public struct WebhookAttemptOutcome: Sendable {
    public let startedAt: Date
    public let durationMilliseconds: Int
    /// The receiver's status, when it answered.
    public let statusCode: Int?
    /// Why no acceptable answer came (refused destination, timeout, connection error, a non-2xx status).
    public let error: String?
    /// The start of the answer's body, for the admin reading the delivery log.
    public let responseExcerpt: String?

    public init(startedAt: Date, durationMilliseconds: Int, statusCode: Int?, error: String?, responseExcerpt: String?) {
        self.startedAt = startedAt
        self.durationMilliseconds = durationMilliseconds
        self.statusCode = statusCode
        self.error = error
        self.responseExcerpt = responseExcerpt
    }

    /// A 2xx answer.
    public var succeeded: Bool { statusCode.map { (200...299).contains($0) } ?? false && error == nil }
}
