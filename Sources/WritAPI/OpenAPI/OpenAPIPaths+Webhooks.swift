import WritCore

extension OpenAPIPaths {
    private static let eventTypes: JSONValue = [
        "type": "array", "minItems": 1,
        "items": ["type": "string", "enum": .array(WebhookEventType.allCases.map { .string($0.rawValue) })],
    ]

    /// Webhook endpoints, their deliveries and attempts (admin).
    static let webhooks: [String: JSONValue] = [
        "/v1/webhooks": [
            "post": operation(
                "Add an endpoint for the events committed from now on; a standard endpoint's secret (whsec_…) is shown once",
                id: "createWebhook",
                body: object(
                    [
                        "url": string, "events": eventTypes, "kind": ["type": "string", "enum": ["standard", "slack"]],
                        "description": string, "ordered": ["type": "boolean"],
                    ], required: ["url", "events"]),
                success: "201", response: ref("WebhookEndpoint")),
            "get": operation("List webhook endpoints", id: "listWebhooks", response: page("WebhookEndpoint")),
        ],
        "/v1/webhooks/{id}": [
            "get": operation("A webhook endpoint", id: "getWebhook", response: ref("WebhookEndpoint")),
            "patch": operation(
                "Change an endpoint; disabled: false re-enables it and its waiting events go out", id: "updateWebhook",
                body: object([
                    "url": string, "events": eventTypes, "description": ["type": ["string", "null"]], "ordered": ["type": "boolean"],
                    "disabled": ["type": "boolean"],
                ]),
                response: ref("WebhookEndpoint")),
            "delete": operation("Delete an endpoint and its delivery history", id: "deleteWebhook", success: "204"),
        ],
        "/v1/webhooks/{id}/rotate-secret": [
            "post": operation(
                "A new secret (shown once); the previous one keeps signing alongside for 24 hours", id: "rotateWebhookSecret",
                success: "201", response: ref("WebhookEndpoint"))
        ],
        "/v1/webhooks/{id}/deliveries": [
            "get": operation(
                "The endpoint's deliveries, newest first", id: "listWebhookDeliveries", response: page("WebhookDelivery"))
        ],
        "/v1/webhooks/{id}/deliveries/{delivery_id}": [
            "get": operation(
                "One delivery with every attempt and the receiver's answers", id: "getWebhookDelivery", response: ref("WebhookDelivery"))
        ],
        "/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver": [
            "post": operation(
                "Send a delivery again now, with the same webhook-id", id: "redeliverWebhook", success: "202",
                response: ref("WebhookDelivery"))
        ],
    ]
}
