import WritCore

extension OpenAPIPaths {
    private typealias Schemas = OpenAPISchemas

    /// An entity of AuthZEN's information model; unknown members are ignored, as the specification asks.
    private static func entity(_ identifier: String, typed: Bool = true) -> JSONValue {
        var properties: [String: JSONValue] = [identifier: string, "properties": ["type": "object"]]
        if typed { properties["type"] = string }
        return [
            "type": "object", "properties": .object(properties),
            "required": .array((typed ? ["type", identifier] : [identifier]).map(JSONValue.string)),
        ]
    }

    private static let evaluationMembers: [String: JSONValue] = [
        "subject": entity("id"), "action": entity("name", typed: false), "resource": entity("id"),
        "context": ["type": "object", "properties": ["idempotency_key": string]],
    ]

    /// A decision: `true` only with a warrant in `context`.
    private static let decision: JSONValue = [
        "type": "object", "required": ["decision"],
        "properties": ["decision": Schemas.boolean, "context": ["type": "object"]], "additionalProperties": false,
    ]

    /// The OpenID AuthZEN Authorization API 1.0 (docs/authzen.md).
    static let authzen: [String: JSONValue] = [
        "/access/v1/evaluation": [
            "post": operation(
                "AuthZEN access evaluation (agent key): files the subject agent's intent; true only when a warrant was issued",
                id: "authzenEvaluation",
                body: ["type": "object", "properties": .object(evaluationMembers), "required": ["subject", "action", "resource"]],
                response: decision, also: ["400": OpenAPIDocument.problem("A required member is missing or mistyped; `errors` lists each")])
        ],
        "/access/v1/evaluations": [
            "post": operation(
                "AuthZEN access evaluations (agent key): a batch with defaults and options.evaluations_semantic",
                id: "authzenEvaluations",
                body: [
                    "type": "object",
                    "properties": .object(
                        evaluationMembers.merging([
                            "evaluations": [
                                "type": "array", "maxItems": 100, "items": ["type": "object", "properties": .object(evaluationMembers)],
                            ],
                            "options": [
                                "type": "object",
                                "properties": [
                                    "evaluations_semantic": Schemas.enumeration([
                                        "execute_all", "deny_on_first_deny", "permit_on_first_permit",
                                    ])
                                ],
                            ],
                        ]) { own, _ in own }),
                ],
                response: [
                    "anyOf": [
                        [
                            "type": "object", "required": ["evaluations"],
                            "properties": ["evaluations": ["type": "array", "items": decision]],
                            "additionalProperties": false,
                        ],
                        decision,
                    ]
                ], also: ["400": OpenAPIDocument.problem("A required member is missing or mistyped; `errors` lists each")])
        ],
        "/.well-known/authzen-configuration": [
            "get": operation(
                "AuthZEN policy decision point metadata", id: "authzenConfiguration",
                response: Schemas.closed([
                    "policy_decision_point": string, "access_evaluation_endpoint": string, "access_evaluations_endpoint": string,
                ]), authenticated: false)
        ],
    ]
}
