import WritCore

/// The response bodies as closed schemas (`components/schemas`): every property the server sends,
/// the ones it always sends required, nothing else. The fuzz test in `scripts/test` checks every
/// answer it gets against them, so a field added to a response without its schema fails there.
enum OpenAPISchemas {
    static func ref(_ name: String) -> JSONValue { ["$ref": .string("#/components/schemas/\(name)")] }

    /// A closed object whose listed properties are all required except `optional` ones.
    static func closed(_ properties: [String: JSONValue], optional: Set<String> = []) -> JSONValue {
        [
            "type": "object", "properties": .object(properties),
            "required": .array(properties.keys.filter { !optional.contains($0) }.sorted().map(JSONValue.string)),
            "additionalProperties": false,
        ]
    }

    /// A page of `item`s with the cursor of the next page.
    static func page(of item: String, extra: [String: JSONValue] = [:]) -> JSONValue {
        closed(["items": ["type": "array", "items": ref(item)], "next_cursor": nullableString].merging(extra) { own, _ in own })
    }

    static func enumeration(_ values: [String]) -> JSONValue { ["type": "string", "enum": .array(values.map(JSONValue.string))] }
    static func nullable(_ schema: JSONValue) -> JSONValue { ["anyOf": [schema, ["type": "null"]]] }

    static let string: JSONValue = ["type": "string"]
    static let nullableString: JSONValue = ["type": ["string", "null"]]
    static let integer: JSONValue = ["type": "integer"]
    static let boolean: JSONValue = ["type": "boolean"]
    static let uuid: JSONValue = ["type": "string", "format": "uuid"]
    static let time: JSONValue = ["type": "string", "format": "date-time"]
    static let nullableTime: JSONValue = ["type": ["string", "null"], "format": "date-time"]
    static let freeObject: JSONValue = ["type": "object"]
    static let tier = enumeration(Tier.allCases.map(\.rawValue))

    /// Every named schema of the document.
    static let components: [String: JSONValue] = identity.merging(intents) { own, _ in own }.merging(other) { own, _ in own }

    private static let identity: [String: JSONValue] = [
        "Tenant": closed(["id": uuid, "name": string, "plan": string]),
        "Organization": closed(["id": uuid, "name": string]),
        "Member": closed([
            "id": uuid, "email": string, "status": enumeration(["invited", "active", "removed"]),
            "roles": ["type": "array", "items": enumeration(Role.allCases.map(\.rawValue))], "teams": ["type": "array", "items": uuid],
            "totp_enabled": boolean, "created_at": nullableTime,
        ]),
        "Team": closed(["id": uuid, "name": string, "created_at": nullableTime]),
        "Agent": closed([
            "id": uuid, "name": string, "team_id": uuid, "owner_id": nullable(uuid),
            "labels": ["type": "object", "additionalProperties": string], "disabled": boolean, "created_at": nullableTime,
            "last_seen_at": nullableTime,
        ]),
        "APIKey": closed(apiKeyProperties),
        "CreatedAPIKey": closed(apiKeyProperties.merging(["key": string, "signing_secret": string]) { own, _ in own }),
        "Session": closed(
            [
                "tenant": ref("Tenant"), "user": ref("Member"), "csrf_token": string,
                "organizations": ["type": "array", "items": ref("Organization")],
            ], optional: ["organizations"]),
        "ChooseOrganization": closed(["choose_organization": ["type": "array", "items": ref("Organization")]]),
        "Me": [
            "oneOf": [
                closed([
                    "kind": ["const": "user"], "user": ref("Member"), "tenant": ref("Tenant"),
                    "organizations": ["type": "array", "items": ref("Organization")],
                ]),
                closed(["kind": ["const": "api_key"], "key": ref("APIKey"), "agent": nullable(ref("Agent")), "tenant": ref("Tenant")]),
            ]
        ],
        "TOTPEnrolment": closed(["secret": string, "otpauth_uri": string, "qr_svg": string]),
        "RecoveryCodes": closed(["recovery_codes": ["type": "array", "items": string]]),
        "CSRFToken": closed(["csrf_token": string]),
    ]

    private static let apiKeyProperties: [String: JSONValue] = [
        "id": uuid, "name": string, "prefix": string, "agent_id": nullable(uuid),
        "scopes": ["type": "array", "items": enumeration(Scope.allCases.map(\.rawValue))], "audiences": ["type": "array", "items": string],
        "expires_at": nullableTime, "revoked_at": nullableTime, "last_used_at": nullableTime, "created_at": nullableTime,
    ]

    private static let intents: [String: JSONValue] = [
        "Decision": [
            "type": "object", "description": "How the policy classified an intent (CONTRACT §4)",
            "required": ["outcome", "rules"],
            "properties": [
                "outcome": enumeration(["allow", "deny"]), "tier": tier, "warrant_ttl": integer,
                "rules": ["type": "array", "items": closed(["id": string, "reason": string])],
                "approvals": nullable(freeObject), "policy": freeObject,
            ],
        ],
        "ApprovalDecision": closed([
            "user_id": uuid, "email": string, "decision": enumeration(ApprovalDecision.allCases.map(\.rawValue)), "comment": nullableString,
            "mfa": boolean, "at": time,
        ]),
        "Intent": closed(
            [
                "id": uuid, "status": enumeration(IntentStatus.allCases.map(\.rawValue)), "tier": nullable(tier),
                "decision": ref("Decision"),
                "action": string, "resource": string, "params": freeObject, "target": nullableString, "justification": nullableString,
                "agent_id": uuid, "team_id": uuid, "expires_at": nullableTime, "created_at": time,
                "warrant": ["type": "string", "description": "The compact JWS; only for the agent that submitted the intent"],
                "warrant_claims": freeObject, "decisions": ["type": "array", "items": ref("ApprovalDecision")],
            ], optional: ["warrant", "warrant_claims", "decisions"]),
        "PolicyVersion": closed(
            [
                "version": integer, "comment": nullableString, "author": closed(["kind": string, "id": nullableString]),
                "created_at": time, "team_id": nullable(uuid), "document": freeObject,
            ], optional: ["document"]),
        "Checkpoint": closed(["seq": integer, "hash": string, "iat": integer, "jws": string]),
        "AuditEvent": [
            "type": "object", "description": "One event of the chain in its canonical form (docs/audit-format.md)",
            "required": ["seq", "type", "hash"],
        ],
    ]

    private static let other: [String: JSONValue] = [
        "Overview": closed([
            "days": integer,
            "counts": ["type": "array", "items": closed(["day": string, "tier": nullable(tier), "status": string, "count": integer])],
            "median_seconds_to_decision": ["type": "object", "additionalProperties": ["type": "number"]],
            "plan": closed([
                "id": string, "max_active_agents": integer, "max_intents_per_month": integer,
                "audit_retention_days": nullable(integer), "active_agents": integer,
                "intents_this_month": integer,
            ]),
        ]),
        "Backtest": closed([
            "team_id": uuid, "replayed": integer, "changed": integer,
            "changes": [
                "type": "array",
                "items": closed([
                    "intent_id": uuid, "created_at": time, "action": string, "resource": string, "old": string, "new": string,
                    "rules": ["type": "array", "items": string],
                ]),
            ],
            "totals": ["type": "object", "additionalProperties": integer],
            "policy": closed(["base_version": ["type": ["integer", "null"]]]),
        ]),
        "AuditVerification": closed(
            [
                "valid": boolean, "checked": integer, "checkpoints": integer, "first_bad_seq": integer, "reason": string,
                "purged_before": integer,
            ],
            optional: ["first_bad_seq", "reason", "purged_before"]),
        "WarrantVerification": closed(["valid": boolean, "reason": string, "claims": freeObject], optional: ["reason", "claims"]),
        "JWKSet": ["type": "object", "required": ["keys"], "properties": ["keys": ["type": "array", "items": freeObject]]],
        "WebhookEndpoint": closed(
            [
                "id": uuid, "url": string, "kind": enumeration(WebhookEndpoint.Kind.allCases.map(\.rawValue)),
                "events": ["type": "array", "items": enumeration(WebhookEventType.allCases.map(\.rawValue))],
                "description": nullableString, "ordered": boolean, "previous_secret_until": nullableTime, "failing_since": nullableTime,
                "disabled_at": nullableTime, "disabled_reason": nullableString, "created_at": time,
                "secret": ["type": "string", "pattern": "^whsec_", "description": "Only when made or rotated"],
            ], optional: ["secret"]),
        "WebhookDelivery": closed(
            [
                "id": uuid, "endpoint_id": uuid, "event_type": enumeration(WebhookEventType.allCases.map(\.rawValue)), "webhook_id": string,
                "audit_seq": integer, "status": enumeration(WebhookDelivery.Status.allCases.map(\.rawValue)), "attempts": integer,
                "next_attempt_at": nullableTime, "delivered_at": nullableTime, "created_at": time,
                "attempt_log": [
                    "type": "array",
                    "items": closed([
                        "attempt": integer, "started_at": time, "duration_ms": ["type": ["integer", "null"]],
                        "status_code": ["type": ["integer", "null"]], "error": nullableString, "response_excerpt": nullableString,
                    ]),
                ],
            ], optional: ["attempt_log"]),
    ]
}
