import Foundation
import WritCore

/// JSON shapes of webhook endpoints and deliveries in responses.
enum WebhookJSON {
    static func endpoint(_ endpoint: WebhookEndpoint, secret: WebhookSecret? = nil) -> JSONValue {
        var value: [String: JSONValue] = [
            "id": IdentityJSON.id(endpoint.id), "url": .string(endpoint.url), "kind": .string(endpoint.kind.rawValue),
            "events": .array(endpoint.events.map { .string($0.rawValue) }),
            "description": endpoint.description.map(JSONValue.string) ?? .null, "ordered": .bool(endpoint.ordered),
            "previous_secret_until": IdentityJSON.time(endpoint.previousSecretUntil),
            "failing_since": IdentityJSON.time(endpoint.failingSince),
            "disabled_at": IdentityJSON.time(endpoint.disabledAt),
            "disabled_reason": endpoint.disabledReason.map(JSONValue.string) ?? .null,
            "created_at": IdentityJSON.time(endpoint.createdAt),
        ]
        if let secret { value["secret"] = .string(secret.text) }
        return .object(value)
    }

    static func delivery(_ delivery: WebhookDelivery) -> JSONValue {
        var value: [String: JSONValue] = [
            "id": IdentityJSON.id(delivery.id), "endpoint_id": IdentityJSON.id(delivery.endpointID),
            "event_type": .string(delivery.eventType.rawValue), "webhook_id": .string(delivery.messageID),
            "audit_seq": .number(Double(delivery.auditSeq)), "status": .string(delivery.status.rawValue),
            "attempts": .number(Double(delivery.attempts)), "next_attempt_at": IdentityJSON.time(delivery.nextAttemptAt),
            "delivered_at": IdentityJSON.time(delivery.deliveredAt), "created_at": IdentityJSON.time(delivery.createdAt),
        ]
        if let log = delivery.attemptLog {
            value["attempt_log"] = .array(
                log.map { attempt in
                    [
                        "attempt": .number(Double(attempt.number)), "started_at": IdentityJSON.time(attempt.startedAt),
                        "duration_ms": attempt.durationMilliseconds.map { .number(Double($0)) } ?? .null,
                        "status_code": attempt.statusCode.map { .number(Double($0)) } ?? .null,
                        "error": attempt.error.map(JSONValue.string) ?? .null,
                        "response_excerpt": attempt.responseExcerpt.map(JSONValue.string) ?? .null,
                    ]
                })
        }
        return .object(value)
    }
}
