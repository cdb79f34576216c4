import Foundation
import Postgres
import WritCore

/// Decoding of webhook rows; a stored value that does not parse is a corrupt row.
extension PostgresRow {
    func webhookEndpoint() throws -> WebhookEndpoint {
        WebhookEndpoint(
            id: try decode(UUID.self, "id"), url: try decode(String.self, "url"), kind: try decodeCase(WebhookEndpoint.Kind.self, "kind"),
            events: try words("events").map { word in
                guard let type = WebhookEventType(rawValue: word) else { throw StoreError.corrupt("webhook_endpoints.events \(word)") }
                return type
            },
            description: try decode(String?.self, "description"), ordered: try decode(Bool.self, "ordered"),
            previousSecretUntil: try decode(Date?.self, "previous_secret_until"), failingSince: try decode(Date?.self, "failing_since"),
            disabledAt: try decode(Date?.self, "disabled_at"), disabledReason: try decode(String?.self, "disabled_reason"),
            createdAt: try decode(Date.self, "created_at"))
    }

    func webhookDelivery(attempts log: [WebhookDelivery.Attempt]? = nil) throws -> WebhookDelivery {
        WebhookDelivery(
            id: try decode(UUID.self, "id"), endpointID: try decode(UUID.self, "endpoint_id"),
            eventType: try decodeCase(WebhookEventType.self, "event_type"), messageID: try decode(String.self, "message_id"),
            auditSeq: try decode(Int64.self, "seq"), status: try decodeCase(WebhookDelivery.Status.self, "status"),
            attempts: try decode(Int.self, "attempts"), nextAttemptAt: try decode(Date?.self, "next_attempt_at"),
            deliveredAt: try decode(Date?.self, "delivered_at"), createdAt: try decode(Date.self, "created_at"), attemptLog: log)
    }

    func webhookAttempt() throws -> WebhookDelivery.Attempt {
        WebhookDelivery.Attempt(
            number: try decode(Int.self, "attempt"), startedAt: try decode(Date.self, "started_at"),
            durationMilliseconds: try decode(Int?.self, "duration_ms"), statusCode: try decode(Int?.self, "status_code"),
            error: try decode(String?.self, "error"), responseExcerpt: try decode(String?.self, "response_excerpt"))
    }
}
