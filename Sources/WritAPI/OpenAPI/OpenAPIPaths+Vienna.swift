import WritCore

extension OpenAPIPaths {
    private typealias Schemas = OpenAPISchemas

    /// vienna-os `Proposal`, `PolicyEvaluation` and `Warrant`: exactly the keys its classes take.
    private static let proposal = Schemas.closed(["id": Schemas.uuid, "state": Schemas.string, "risk_tier": Schemas.tier])
    private static let pipelineWarrant = Schemas.closed([
        "id": Schemas.string, "signature": Schemas.nullableString, "expires_at": Schemas.time,
    ])
    private static let pipelineResult = Schemas.closed([
        "proposal": proposal,
        "policy_evaluation": Schemas.closed([
            "id": Schemas.uuid, "decision": Schemas.enumeration(["allow", "require_approval", "deny"]),
            "matched_rule": Schemas.string, "tier": Schemas.tier,
        ]),
        "warrant": Schemas.nullable(pipelineWarrant), "simulation": Schemas.boolean,
        "pipeline": Schemas.enumeration(["executed", "pending_approval", "denied", "simulated"]),
    ])
    private static let sdkWarrant = Schemas.closed([
        "warrant_id": Schemas.nullableString, "issued_at": Schemas.nullableTime, "expires_at": Schemas.nullableTime,
        "risk_tier": ["anyOf": [Schemas.tier, ["type": "null"]]], "allowed_actions": ["type": "array"], "constraints": Schemas.freeObject,
        "signature": Schemas.nullableString, "issuer": Schemas.nullableString, "verified": Schemas.boolean,
    ])
    private static let sdkResult = Schemas.closed([
        "intent_id": Schemas.uuid, "status": Schemas.enumeration(["approved", "pending", "denied", "expired"]), "risk_tier": Schemas.tier,
        "warrant_id": Schemas.nullableString, "warrant": Schemas.nullable(sdkWarrant), "reason": Schemas.nullableString,
        "poll_url": Schemas.string, "approval_required": Schemas.integer,
    ])
    private static let free: JSONValue = ["type": "object"]
    private static let signed = "; X-Vienna-Signature: hmac-sha256 of the body under the key's signing secret, optional"

    /// Vienna OS compatibility (docs/vienna-compatibility.md): the routes of `vienna-sdk` and `vienna-os`.
    static let vienna: [String: JSONValue] = [
        "/health": [
            "get": operation(
                "The process is up (Vienna OS's name for /healthz)", id: "viennaHealth",
                response: Schemas.closed(["status": ["const": "ok"]]), authenticated: false)
        ],
        "/api/v1/intents": [
            "post": operation(
                "vienna-sdk submit_intent (agent key); a resend of the same body is the same intent" + signed, id: "viennaSubmitIntent",
                body: object(
                    [
                        "agent_id": string, "framework": string, "action": string, "params": free, "objective": string, "metadata": free,
                        "timestamp": string,
                    ], required: ["agent_id", "action"]),
                success: "201", response: sdkResult,
                also: ["200": OpenAPIDocument.json("The intent this body already made", schema: sdkResult)])
        ],
        "/api/v1/intents/{id}": ["get": operation("vienna-sdk check_intent", id: "viennaCheckIntent", response: sdkResult)],
        "/api/v1/executions": [
            "post": operation(
                "vienna-sdk report_execution (agent key): the result of the warrant's intent" + signed, id: "viennaReportExecution",
                body: object(
                    [
                        "warrant_id": string, "agent_id": string, "framework": string, "success": ["type": "boolean"], "output": string,
                        "error": string, "metrics": free, "completed_at": string,
                    ], required: ["warrant_id"]),
                response: Schemas.closed([
                    "execution_id": Schemas.uuid, "warrant_id": Schemas.string, "verified": Schemas.boolean,
                    "recorded": ["const": true],
                ]))
        ],
        "/api/v1/agent/intent": [
            "post": operation(
                "vienna-os submit_intent and simulate (agent key)" + signed, id: "viennaPipelineIntent",
                body: object(
                    ["agent_id": string, "action": string, "payload": free, "simulation": ["type": "boolean"]],
                    required: ["agent_id", "action"]),
                success: "201", response: pipelineResult,
                also: [
                    "200": OpenAPIDocument.json(
                        "A simulation, or a replayed Idempotency-Key",
                        schema: pipelineResult)
                ])
        ],
        "/api/v1/proposals/{id}/approve": [
            "post": operation(
                "vienna-os approve_proposal: one person's approval (session token as bearer); the warrant once complete",
                id: "viennaApprove",
                body: object(["approved_by": string, "reason": string]),
                response: Schemas.closed(["warrant": pipelineWarrant, "proposal": proposal]))
        ],
        "/api/v1/proposals/{id}/deny": [
            "post": operation(
                "vienna-os deny_proposal: a person's rejection or the submitting agent's cancellation", id: "viennaDeny",
                body: object(["denied_by": string, "reason": string]), response: Schemas.closed(["proposal": proposal]))
        ],
        "/api/v1/warrants/verify": [
            "post": operation(
                "vienna-os verify_warrant: usable, and (with signature) exactly what Writ issued", id: "viennaVerifyWarrant",
                body: object(["warrant_id": string, "signature": ["type": ["string", "null"]]], required: ["warrant_id"]),
                response: Schemas.closed([
                    "valid": Schemas.boolean, "warrant_id": Schemas.string, "expires_at": Schemas.time,
                    "revoked": Schemas.boolean,
                ]))
        ],
        "/api/v1/warrants/{jti}": [
            "get": operation(
                "vienna-sdk verify_warrant: the warrant's state and contents", id: "viennaGetWarrant",
                response: Schemas.closed([
                    "warrant_id": Schemas.string, "valid": Schemas.boolean, "revoked": Schemas.boolean,
                    "redeemed": Schemas.boolean, "expires_at": Schemas.time, "intent_id": Schemas.uuid, "warrant": sdkWarrant,
                ]))
        ],
        "/api/v1/warrants/{jti}/revoke": [
            "post": operation(
                "vienna-os revoke_warrant: an admin, or the agent it was issued to", id: "viennaRevokeWarrant",
                body: object(["reason": ["type": ["string", "null"]]]),
                response: Schemas.closed(["warrant_id": Schemas.string, "revoked": ["const": true]]))
        ],
        "/api/v1/agents": [
            "get": operation(
                "vienna-os list_agents: every agent for members and admin keys, its own for an agent key", id: "viennaListAgents",
                response: Schemas.closed([
                    "success": ["const": true],
                    "data": [
                        "type": "array",
                        "items": Schemas.closed([
                            "id": Schemas.uuid, "display_name": Schemas.string, "status": Schemas.enumeration(["active", "disabled"]),
                            "trust_score": Schemas.integer, "agent_type": Schemas.string,
                        ]),
                    ],
                ])),
            "post": operation(
                "vienna-sdk register: marks the key's agent as seen; changes nothing else" + signed, id: "viennaRegisterAgent",
                body: object(
                    [
                        "agent_id": string, "framework": string, "name": string, "capabilities": strings, "config": free,
                        "registered_at": string,
                    ], required: ["agent_id"]),
                response: Schemas.closed([
                    "agent_id": Schemas.uuid, "name": Schemas.string, "registered": ["const": true],
                    "status": ["const": "active"], "last_seen_at": Schemas.time,
                ])),
        ],
        "/api/v1/agents/{id}/heartbeat": [
            "post": operation(
                "vienna-sdk heartbeat: the agent's last_seen_at; the body is free-form status, not stored" + signed, id: "viennaHeartbeat",
                body: free, response: Schemas.closed(["agent_id": Schemas.uuid, "last_seen_at": Schemas.time]))
        ],
        "/api/v1/policies": [
            "get": operation(
                "vienna-sdk list_policies: the rules in force for the agent's team (what they match and require)", id: "viennaListPolicies",
                response: Schemas.closed([
                    "policies": [
                        "type": "array",
                        "items": Schemas.closed([
                            "id": Schemas.string, "match": ["type": "object", "additionalProperties": Schemas.string],
                            "tier": Schemas.enumeration(Tier.allCases.map(\.rawValue) + ["deny"]),
                            "conditional": Schemas.boolean,
                        ]),
                    ],
                    "default_tier": Schemas.tier, "policy": Schemas.closed(["id": Schemas.uuid, "version": Schemas.integer]),
                ]))
        ],
        "/api/v1/audit/recent": [
            "get": withParameters(
                operation(
                    "vienna-os get_audit_trail: the newest events the caller may see, oldest first", id: "viennaRecentAudit",
                    response: Schemas.closed(["entries": ["type": "array", "items": free], "count": Schemas.integer])),
                [query("limit", "1 to 500, default 50", type: "integer")])
        ],
    ]
}
