import WritCore

extension OpenAPIPaths {
    private static let decision = OpenAPISchemas.enumeration(ApprovalDecision.allCases.map(\.rawValue))

    /// Intents and warrants.
    static let intents: [String: JSONValue] = [
        "/v1/intents": [
            "get": withParameters(
                operation(
                    "List intents, newest first (members, admin keys; an agent's key sees its own)", id: "listIntents",
                    response: page("Intent")),
                [
                    query("status", "pending_approval, approved, executed, failed, rejected, expired, cancelled or denied"),
                    query("tier", "T0, T1, T2 or T3"), query("team_id", "a team's id"), query("agent_id", "an agent's id"),
                    query("since", "RFC 3339 time (inclusive)"), query("until", "RFC 3339 time (exclusive)"),
                    query("cursor", "from next_cursor"), query("limit", "1 to 100, default 50", type: "integer"),
                ]),
            "post": operation(
                "Submit an intent (agent key, intents scope); honours Idempotency-Key", id: "submitIntent",
                body: object(
                    ["action": string, "resource": string, "params": ["type": "object"], "target": string, "justification": string],
                    required: ["action", "resource"]),
                success: "201", response: ref("Intent")),
        ],
        "/v1/intents/{id}": [
            "get": withParameters(
                operation(
                    "An intent's state; ?wait=N (≤ 60 s) answers when it changes", id: "getIntent", response: ref("Intent")),
                [query("wait", "0 to 60 seconds", type: "integer")])
        ],
        "/v1/intents/{id}/decisions": [
            "post": operation(
                "Approve or reject a T1/T2 intent (T2: with a TOTP code)", id: "decideIntent",
                body: object(
                    ["decision": decision, "comment": string, "totp": string],
                    required: ["decision"]), response: ref("Intent"))
        ],
        "/v1/intents/{id}/cancel": [
            "post": operation("Withdraw a pending intent (its agent)", id: "cancelIntent", response: ref("Intent"))
        ],
        "/v1/intents/{id}/result": [
            "post": operation(
                "Report what happened to an approved intent (its agent)", id: "reportIntent",
                body: object(["status": ["type": "string", "enum": ["executed", "failed"]], "summary": string], required: ["status"]),
                response: ref("Intent"))
        ],
        "/v1/warrants/verify": [
            "post": [
                "summary": "Verify a warrant as the executor would, plus revocation and redemption",
                "operationId": "verifyWarrant",
                "security": [],
                "requestBody": [
                    "required": true,
                    "content": [
                        "application/json": [
                            "schema": object(
                                ["warrant": string, "tenant_id": uuid], required: ["warrant", "tenant_id"])
                        ]
                    ],
                ],
                "responses": ["200": OpenAPIDocument.json("The verdict", schema: ref("WarrantVerification"))],
            ]
        ],
        "/v1/warrants/{jti}/redeem": [
            "post": operation(
                "Consume a warrant once (executor key, warrants scope); 409 afterwards", id: "redeemWarrant",
                response: OpenAPISchemas.closed(["jti": string, "redeemed": ["const": true]]))
        ],
        "/v1/approval-links/view": [
            "post": operation(
                "A board member's view of the T3 intent behind their link; changes nothing", id: "viewApprovalLink",
                body: object(["token": string], required: ["token"]),
                response: OpenAPISchemas.closed([
                    "intent": ["type": "object"], "member": OpenAPISchemas.closed(["email": string]),
                    "totp_required": ["type": "boolean"],
                ]),
                authenticated: false)
        ],
        "/v1/approval-links/decide": [
            "post": operation(
                "Decide through a board link (consumes it)", id: "decideApprovalLink",
                body: object(
                    ["token": string, "decision": decision, "comment": string, "totp": string],
                    required: ["token", "decision"]),
                response: OpenAPISchemas.closed(["status": string, "intent": uuid]), authenticated: false)
        ],
        "/v1/overview": [
            "get": withParameters(
                operation(
                    "The console's overview: intents per day by tier and status, median time to decision, plan use", id: "overview",
                    response: ref("Overview")),
                [query("days", "1 to 90, default 7", type: "integer")])
        ],
        "/v1/approvals": [
            "get": withParameters(
                operation(
                    "Pending T1/T2 intents the caller may decide, with the decisions so far; ?wait=N answers when the queue differs from ?version=",
                    id: "listApprovals", response: OpenAPISchemas.page(of: "Intent", extra: ["version": string])),
                [
                    query("status", "pending (the only value)"), query("wait", "0 to 60 seconds", type: "integer"),
                    query("version", "the version of the queue the caller holds"),
                    query("limit", "1 to 1000, default 100", type: "integer"),
                ])
        ],
        "/v1/signing-keys/rotate": [
            "post": operation(
                "Rotate the tenant's signing key (admin); the old public key stays in the JWK Set for 7 days", id: "rotateSigningKey",
                success: "201", response: OpenAPISchemas.closed(["kid": string]))
        ],
        "/v1/warrants/{jti}/revoke": ["post": operation("Revoke a warrant (admin)", id: "revokeWarrant", success: "204")],
    ]
}
