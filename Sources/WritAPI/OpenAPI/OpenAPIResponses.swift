import WritCore

/// The answers every operation can give besides its own, added to each operation of the document
/// so that a generic client or fuzzer finds every status the server really sends documented.
enum OpenAPIResponses {
    /// Every operation: malformed input, a refused credential, an unknown resource, limits and an
    /// unavailable database.
    static let everywhere: [String: JSONValue] = [
        "400": OpenAPIDocument.problem(
            "Malformed request: a body that is not a JSON object, a parameter of the wrong type or out of range"),
        "401": OpenAPIDocument.problem("A credential was sent and is malformed, unknown, expired or revoked"),
        "403": OpenAPIDocument.problem("Not allowed for this principal, or a session's CSRF token is missing"),
        "404": OpenAPIDocument.problem("No such resource for this caller (other tenants' resources look the same)"),
        "422": OpenAPIDocument.problem("Invalid input or parameter; `errors` lists each field"),
        "429": OpenAPIDocument.problem("Rate limited; Retry-After says when to try again"),
        "503": OpenAPIDocument.problem("The database is unavailable or the request ran out of time; Retry-After says when to try again"),
    ]

    /// Operations that change something: the state may forbid it, and a plan quota may be spent.
    static let writes: [String: JSONValue] = [
        "402": OpenAPIDocument.problem("A plan quota is spent; the type names the quota"),
        "409": OpenAPIDocument.problem("Conflicts with the current state (already decided, used, taken or revoked)"),
    ]

    /// Operations with a request body.
    static let bodies: [String: JSONValue] = [
        "413": OpenAPIDocument.problem("The body is larger than 256 KiB"),
        "415": OpenAPIDocument.problem("The body is not application/json"),
    ]

    /// The problem types (`urn:writ:problem:…`, or `about:blank` for a plain HTTP status) each status
    /// can carry; every problem response of the document lists those of its status.
    static let problemTypes: [String: [String]] = [
        "400": ["malformed-json", "malformed-http", "invalid-request"],
        "401": ["unauthenticated", "invalid-credentials", "invalid-signature", "totp-required", "totp-invalid", "metrics-token"],
        "403": ["forbidden", "csrf"],
        "404": ["approval-link-invalid", "approval-link-expired", "approval-link-used", "invitation-invalid"],
        "409": ["conflict", "warrant-unusable", "approval-pending"],
        "422": ["invalid-request", "idempotency-key-reused"],
        "429": ["rate-limited", "throttled", "totp-throttled", "too-many-streams"],
        "503": ["database-unavailable", "busy", "request-timeout", "cancelled", "shutting-down"],
    ]

    /// The schema of a problem with `status`: its `type` one of that status's types.
    static func problemSchema(status: String) -> JSONValue {
        let type: JSONValue =
            if status == "402" {
                ["type": "string", "pattern": "^urn:writ:problem:quota-exceeded:[a-z_]+$"]
            } else {
                ["enum": .array((["about:blank"] + (problemTypes[status] ?? []).map { "urn:writ:problem:\($0)" }).map(JSONValue.string))]
            }
        return ["allOf": [["$ref": "#/components/schemas/Problem"], ["properties": ["type": type]]]]
    }

    /// The path item with the common answers added to each operation (an operation's own win),
    /// each problem answer naming the problem types of its status.
    static func withCommonResponses(_ item: JSONValue) -> JSONValue {
        guard case .object(var members) = item else { return item }
        for (method, operation) in members where method != "parameters" {
            guard case .object(var fields) = operation, case .object(var responses)? = fields["responses"] else { continue }
            var common = everywhere
            if method != "get" { common.merge(writes) { first, _ in first } }
            if fields["requestBody"] != nil || method == "post" { common.merge(bodies) { first, _ in first } }
            responses.merge(common) { own, _ in own }
            for (status, response) in responses {
                guard case .object(var answer) = response, case .object(var content)? = answer["content"],
                    content["application/problem+json"] != nil
                else { continue }
                content["application/problem+json"] = ["schema": problemSchema(status: status)]
                answer["content"] = .object(content)
                responses[status] = .object(answer)
            }
            fields["responses"] = .object(responses)
            members[method] = .object(fields)
        }
        return .object(members)
    }
}
