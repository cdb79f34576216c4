/// A webhook endpoint; the secret only when it was just made or rotated.
struct WebhookEndpointBody: Decodable {
    let id: String
    let url: String
    let secret: String?
    let previousSecretUntil: String?
    let disabledAt: String?

    private enum CodingKeys: String, CodingKey {
        case id, url, secret
        case previousSecretUntil = "previous_secret_until"
        case disabledAt = "disabled_at"
    }
}

/// One delivery of an event to an endpoint; a single delivery also shows its attempts.
struct WebhookDeliveryBody: Decodable {
    /// One attempt to deliver.
    struct Attempt: Decodable {
        let statusCode: Int?
        let error: String?

        private enum CodingKeys: String, CodingKey {
            case error
            case statusCode = "status_code"
        }
    }

    let id: String
    let status: String
    let attempts: Int
    let attemptLog: [Attempt]?

    private enum CodingKeys: String, CodingKey {
        case id, status, attempts
        case attemptLog = "attempt_log"
    }
}
