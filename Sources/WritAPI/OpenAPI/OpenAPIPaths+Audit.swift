import WritCore

extension OpenAPIPaths {
    static func query(_ name: String, _ description: String, type: String = "string") -> JSONValue {
        ["name": .string(name), "in": "query", "required": false, "description": .string(description), "schema": ["type": .string(type)]]
    }

    static func withParameters(_ operation: JSONValue, _ parameters: [JSONValue]) -> JSONValue {
        guard case .object(var members) = operation else { return operation }
        members["parameters"] = .array(parameters)
        return .object(members)
    }

    /// The audit log and the public JWK Set.
    static let audit: [String: JSONValue] = [
        "/v1/audit": [
            "get": withParameters(
                operation("Browse the audit log", id: "browseAudit", response: page("AuditEvent")),
                [
                    query("type", "event type, e.g. member.invited"), query("actor", "actor id"), query("subject", "subject id"),
                    query("since", "RFC 3339 time (inclusive)"), query("until", "RFC 3339 time (exclusive)"),
                    query("cursor", "from next_cursor"), query("limit", "1 to 1000, default 100", type: "integer"),
                ])
        ],
        "/v1/audit/export": [
            "get": withParameters(
                [
                    "summary": "Export the chain as NDJSON, streamed",
                    "operationId": "exportAudit",
                    "description": """
                    Events purged past the plan's retention are not exported: the export starts at `from_seq` or the first \
                    retained event, whichever is later. `Writ-Audit-From-Seq` names the first seq and `Writ-Audit-Previous-Hash` \
                    the hash it links to (`writ audit verify --from-seq … --previous-hash …`); `Writ-Audit-Purged-Before` is sent \
                    when events were purged.
                    """,
                    "responses": [
                        "200": [
                            "description": "One canonical JSON event per line",
                            "headers": [
                                "Writ-Audit-From-Seq": ["description": "the first seq exported", "schema": ["type": "integer"]],
                                "Writ-Audit-Previous-Hash": [
                                    "description": "the hash the first event links to", "schema": ["type": "string"],
                                ],
                                "Writ-Audit-Purged-Before": [
                                    "description": "the first retained seq, when events were purged", "schema": ["type": "integer"],
                                ],
                            ],
                            "content": ["application/x-ndjson": ["schema": ["type": "string"]]],
                        ]
                    ],
                ], [query("from_seq", "first seq to export, default 1", type: "integer")])
        ],
        "/v1/events": [
            "get": withParameters(
                [
                    "summary": "Follow the audit events the caller may see, live (server-sent events)",
                    "description": """
                    Each event is `id: <seq>`, `event: <type>`, `data: <the audit export line>`. Resume after an event with the \
                    `Last-Event-ID` header or `after`; without either the stream starts at the chain's head. Admins, auditors and \
                    admin keys see every event; other members those about intents, warrants and policies; an agent's intents key \
                    those about its own intents.
                    """,
                    "operationId": "streamEvents",
                    "responses": [
                        "200": [
                            "description": "The stream (it stays open)", "content": ["text/event-stream": ["schema": ["type": "string"]]],
                        ],
                        "429": OpenAPIDocument.problem("Too many streams open for the organisation on this server"),
                    ],
                ],
                [
                    query("after", "the id of the last event seen (a whole number ≥ 0)", type: "integer"),
                    [
                        "name": "Last-Event-ID", "in": "header", "required": false, "description": "the id of the last event seen",
                        "schema": ["type": "integer", "minimum": 0],
                    ],
                ])
        ],
        "/v1/audit/checkpoints": [
            "get": withParameters(
                operation("List signed checkpoints", id: "listCheckpoints", response: page("Checkpoint")),
                [
                    query("cursor", "from next_cursor"), query("limit", "1 to 1000, default 100", type: "integer"),
                ])
        ],
        "/v1/audit/evidence": [
            "get": withParameters(
                [
                    "summary":
                        "A signed evidence pack for a period (ZIP, streamed): chain slice, checkpoints, keys, policies, intents, report",
                    "operationId": "auditEvidence",
                    "responses": [
                        "200": [
                            "description": "The pack (docs/audit-format.md, \"Evidence packs\")",
                            "content": ["application/zip": ["schema": ["type": "string", "contentMediaType": "application/zip"]]],
                        ]
                    ],
                ], [query("since", "RFC 3339 start of the period (inclusive)"), query("until", "RFC 3339 end of the period (exclusive)")])
        ],
        "/v1/audit/verify": [
            "get": operation(
                "Verify the chain on the server (from the first retained event; purged_before names it when events were purged)",
                id: "verifyAudit", response: ref("AuditVerification"))
        ],
        "/v1/tenants/{tenant_id}/jwks.json": [
            "get": [
                "summary": "The tenant's public signing keys (RFC 7517 JWK Set)",
                "operationId": "jwks",
                "security": [],
                "parameters": [["name": "tenant_id", "in": "path", "required": true, "schema": uuid]],
                "responses": [
                    "200": OpenAPIDocument.json("The key set", schema: ref("JWKSet"), contentType: "application/jwk-set+json"),
                    "404": OpenAPIDocument.problem("No such tenant"),
                ],
            ]
        ],
    ]
}
