import WritCore

/// Builds the OpenAPI 3.1 document served at `/openapi.json`.
///
/// Each area of the API contributes its paths; a test checks that every registered route is here.
enum OpenAPIDocument {
    static func make(serverURL: String) -> JSONValue {
        var paths: [String: JSONValue] = [:]
        for area in [
            OpenAPIPaths.operations, OpenAPIPaths.account, OpenAPIPaths.management, OpenAPIPaths.audit, OpenAPIPaths.policy,
            OpenAPIPaths.intents,
            OpenAPIPaths.webhooks, OpenAPIPaths.vienna, OpenAPIPaths.authzen,
        ] {
            paths.merge(area) { _, new in new }
        }
        for (path, item) in paths { paths[path] = OpenAPIResponses.withCommonResponses(withPathParameters(path, item)) }
        return [
            "openapi": "3.1.0",
            "info": [
                "title": "Writ",
                "version": "0.8.0",
                "description":
                    "Governance layer for AI agents: execution intents, risk tiers, approvals, signed warrants and a hash-chained audit log.",
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

    /// The path item with every `{name}` of its template declared as a required path parameter.
    static func withPathParameters(_ path: String, _ item: JSONValue) -> JSONValue {
        guard case .object(var members) = item else { return item }
        let names = path.split(separator: "/").filter { $0.hasPrefix("{") && $0.hasSuffix("}") }.map { String($0.dropFirst().dropLast()) }
        guard !names.isEmpty else { return item }
        members["parameters"] = .array(
            names.map { name in
                let schema: JSONValue =
                    switch name {
                    case "version": ["type": "integer", "minimum": 1, "maximum": 2_147_483_647]
                    case "jti": ["type": "string", "pattern": "^[A-Za-z0-9_-]{16,64}$"]
                    default: ["type": "string", "format": "uuid"]
                    }
                return ["name": .string(name), "in": "path", "required": true, "schema": schema]
            })
        return .object(members)
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
