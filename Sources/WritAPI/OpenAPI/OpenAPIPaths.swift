import WritCore

/// Path items and shared schemas, grouped by area.
enum OpenAPIPaths {
    /// Health, readiness, metrics and this document.
    static let operations: [String: JSONValue] = [
        "/healthz": [
            "get": [
                "summary": "The process is up",
                "operationId": "healthz",
                "responses": ["200": OpenAPIDocument.json("Alive", schema: OpenAPISchemas.closed(["status": ["const": "ok"]]))],
            ]
        ],
        "/readyz": [
            "get": [
                "summary": "The database is reachable and every migration is applied",
                "operationId": "readyz",
                "responses": [
                    "200": OpenAPIDocument.json(
                        "Ready", schema: OpenAPISchemas.closed(["status": ["const": "ready"], "schema_version": ["type": "integer"]])),
                    "503": OpenAPIDocument.problem("Not ready; the detail says why"),
                ],
            ]
        ],
        "/metrics": [
            "get": [
                "summary": "Prometheus metrics in the text exposition format",
                "operationId": "metrics",
                "responses": [
                    "200": [
                        "description": "Metrics",
                        "content": ["text/plain": ["schema": ["type": "string"]]],
                    ]
                ],
            ]
        ],
        "/openapi.json": [
            "get": [
                "summary": "This OpenAPI 3.1 document",
                "operationId": "openapi",
                "responses": ["200": OpenAPIDocument.json("The document", schema: ["type": "object"])],
            ]
        ],
    ]

    /// Schemas shared across areas: the problem and every response body.
    static let schemas: JSONValue = .object(OpenAPISchemas.components.merging(["Problem": problem]) { own, _ in own })

    private static let problem: JSONValue = [
        "type": "object",
        "description": "RFC 9457 problem details",
        "required": ["type", "title", "status", "detail"],
        "additionalProperties": false,
        "properties": [
            "type": ["type": "string"],
            "title": ["type": "string"],
            "status": ["type": "integer"],
            "detail": ["type": "string"],
            "error": ["type": "string", "description": "Vienna OS routes only: the detail, where its SDKs read it"],
            "code": ["type": "string", "description": "Vienna OS routes only: the kind of problem, e.g. INVALID_REQUEST"],
            "errors": [
                "type": "array",
                "items": [
                    "type": "object",
                    "required": ["path", "message"],
                    "properties": ["path": ["type": "string"], "message": ["type": "string"]],
                ],
            ],
        ],
    ]
}
