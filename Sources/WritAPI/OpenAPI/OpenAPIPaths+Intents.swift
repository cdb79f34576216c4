import WritCore

extension OpenAPIPaths {
    /// Intents and warrants.
    static let intents: [String: JSONValue] = [
        "/v1/intents": ["post": operation(
            "Submit an intent (agent key, intents scope); honours Idempotency-Key", id: "submitIntent",
            body: object(["action": string, "resource": string, "params": ["type": "object"], "target": string, "justification": string],
                         required: ["action", "resource"]),
            success: "201",
            response: object(["id": uuid, "status": string, "tier": ["type": ["string", "null"]], "decision": ["type": "object"],
                              "warrant": string, "expires_at": ["type": ["string", "null"]]]))],
        "/v1/intents/{id}": ["get": operation("An intent's state", id: "getIntent")],
        "/v1/warrants/verify": ["post": [
            "summary": "Verify a warrant as the executor would, plus revocation and redemption",
            "operationId": "verifyWarrant",
            "security": [],
            "requestBody": ["required": true, "content": ["application/json": ["schema": object(
                ["warrant": string, "tenant_id": uuid], required: ["warrant", "tenant_id"])]]],
            "responses": ["200": OpenAPIDocument.json("The verdict", schema: object(
                ["valid": ["type": "boolean"], "reason": string, "claims": ["type": "object"]], required: ["valid"]))],
        ]],
        "/v1/warrants/{jti}/redeem": ["post": operation(
            "Consume a warrant once (executor key, warrants scope); 409 afterwards", id: "redeemWarrant")],
        "/v1/warrants/{jti}/revoke": ["post": operation("Revoke a warrant (admin)", id: "revokeWarrant", success: "204")],
    ]
}
