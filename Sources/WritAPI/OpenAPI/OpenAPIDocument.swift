import WritCore

/// Builds the OpenAPI 3.1 document served at `/openapi.json`.
///
/// Each area of the API contributes its paths; a test checks that every registered route is here.
enum OpenAPIDocument {
    static func make(serverURL: String) -> JSONValue {
        var paths: [String: JSONValue] = [:]
        for area in [OpenAPIPaths.operations, OpenAPIPaths.account, OpenAPIPaths.management, OpenAPIPaths.audit, OpenAPIPaths.policy, OpenAPIPaths.intents] {
            paths.merge(area) { _, new in new }
        }
        return [
            "openapi": "3.1.0",
            "info": [
                "title": "Writ",
                "version": "0.1.0",
                "description": "Governance layer for AI agents: execution intents, risk tiers, approvals, signed warrants and a hash-chained audit log.",
            ],
            "servers": [["url": .string(serverURL)]],
            "paths": .object(paths),
            "components": [
                "schemas": OpenAPIPaths.schemas,
                "securitySchemes": [
                    "apiKey": ["type": "http", "scheme": "bearer", "description": "writ_… API key"],
                    "session": ["type": "apiKey", "in": "cookie", "name": "writ_session"],
                ],
            ],
            "security": [["apiKey": []], ["session": []]],
        ]
    }

    /// A JSON response with a schema reference.
    static func json(_ description: String, schema: JSONValue, contentType: String = "application/json") -> JSONValue {
        ["description": .string(description), "content": .object([contentType: ["schema": schema]])]
    }

    /// A problem+json response.
    static func problem(_ description: String) -> JSONValue {
        json(description, schema: ["$ref": "#/components/schemas/Problem"], contentType: "application/problem+json")
    }
}
