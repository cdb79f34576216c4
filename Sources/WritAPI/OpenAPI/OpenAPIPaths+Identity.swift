import WritCore

extension OpenAPIPaths {
    /// An operation with an optional JSON request body and the usual problem responses.
    static func operation(
        _ summary: String, id: String, body: JSONValue? = nil, success: String = "200", response: JSONValue? = nil,
        authenticated: Bool = true, also: [String: JSONValue] = [:]
    ) -> JSONValue {
        precondition(success == "204" || response != nil, "\(id): a response with a body needs its schema")
        var responses: [String: JSONValue] = also.merging([
            success: response.map { OpenAPIDocument.json("Success", schema: $0) } ?? ["description": "Done"],
            "422": OpenAPIDocument.problem("Invalid input; `errors` lists each field"),
        ]) { _, own in own }
        if authenticated {
            responses["401"] = OpenAPIDocument.problem("No or invalid credential")
            responses["403"] = OpenAPIDocument.problem("Not allowed for this principal, or CSRF token missing")
            responses["404"] = OpenAPIDocument.problem("No such resource in the caller's tenant")
        }
        var operation: [String: JSONValue] = ["summary": .string(summary), "operationId": .string(id), "responses": .object(responses)]
        if let body {
            operation["requestBody"] = ["required": true, "content": ["application/json": ["schema": body]]]
        }
        if !authenticated { operation["security"] = [] }
        return .object(operation)
    }

    /// A closed object schema: the listed properties, `required` ones mandatory, nothing else.
    static func object(_ properties: [String: JSONValue], required: [String] = []) -> JSONValue {
        [
            "type": "object", "properties": .object(properties), "required": .array(required.map(JSONValue.string)),
            "additionalProperties": false,
        ]
    }

    static let string: JSONValue = ["type": "string"]
    static let uuid: JSONValue = ["type": "string", "format": "uuid"]
    static let strings: JSONValue = ["type": "array", "items": ["type": "string"]]
    static func ref(_ name: String) -> JSONValue { OpenAPISchemas.ref(name) }
    static func page(_ item: String) -> JSONValue { OpenAPISchemas.page(of: item) }

    /// Sign-up, sessions, the caller, invitations and TOTP.
    static let account: [String: JSONValue] = [
        "/v1/signup": [
            "post": operation(
                "Create an organisation on the free plan with its first admin", id: "signup",
                body: object(
                    ["organization": string, "email": string, "password": string], required: ["organization", "email", "password"]),
                success: "201", response: ref("Session"), authenticated: false)
        ],
        "/v1/sessions": [
            "post": operation(
                "Sign in; a login in several organisations names one with tenant_id or gets choose_organization", id: "login",
                body: object(["email": string, "password": string, "totp": string, "tenant_id": uuid], required: ["email", "password"]),
                success: "201", response: ref("Session"), authenticated: false,
                also: [
                    "200": OpenAPIDocument.json(
                        "The login belongs to several organisations: sign in again naming one as tenant_id",
                        schema: ref("ChooseOrganization"))
                ])
        ],
        "/v1/sessions/current": ["delete": operation("Sign out", id: "logout", success: "204")],
        "/v1/me": ["get": operation("The caller: a signed-in person or an API key", id: "me", response: ref("Me"))],
        "/v1/me/password": [
            "post": operation(
                "Change the login's password; every other session, in every organisation, ends", id: "changePassword",
                body: object(["current_password": string, "new_password": string], required: ["current_password", "new_password"]),
                response: ref("CSRFToken"))
        ],
        "/v1/invitations/accept": [
            "post": operation(
                "Accept a mailed invitation with a new password, or the password of the address's login", id: "acceptInvitation",
                body: object(["token": string, "password": string], required: ["token", "password"]), success: "201",
                response: ref("Session"), authenticated: false)
        ],
        "/v1/me/totp": [
            "post": operation("Start TOTP enrolment", id: "enrolTOTP", success: "201", response: ref("TOTPEnrolment")),
            "delete": operation("Turn TOTP off", id: "disableTOTP", body: object(["code": string], required: ["code"]), success: "204"),
        ],
        "/v1/me/totp/confirm": [
            "post": operation(
                "Confirm TOTP enrolment; returns recovery codes", id: "confirmTOTP", body: object(["code": string], required: ["code"]),
                response: ref("RecoveryCodes"))
        ],
    ]

    /// Members, teams, agents and API keys.
    static let management: [String: JSONValue] = [
        "/v1/members": [
            "post": operation(
                "Invite a member: the link is mailed to the address, never returned", id: "inviteMember",
                body: object(["email": string, "roles": strings, "teams": strings], required: ["email", "roles"]),
                success: "201", response: ref("Member")),
            "get": operation("List members", id: "listMembers", response: page("Member")),
        ],
        "/v1/members/{id}": [
            "get": operation("A member", id: "getMember", response: ref("Member")),
            "patch": operation(
                "Change a member's roles or teams", id: "updateMember", body: object(["roles": strings, "teams": strings]),
                response: ref("Member")),
            "delete": operation("Remove a member", id: "removeMember", success: "204"),
        ],
        "/v1/teams": [
            "post": operation(
                "Create a team", id: "createTeam", body: object(["name": string], required: ["name"]), success: "201",
                response: ref("Team")),
            "get": operation("List teams", id: "listTeams", response: page("Team")),
        ],
        "/v1/teams/{id}": [
            "get": operation("A team", id: "getTeam", response: ref("Team")),
            "patch": operation(
                "Rename a team", id: "renameTeam", body: object(["name": string], required: ["name"]), response: ref("Team")),
            "delete": operation("Delete a team without agents", id: "deleteTeam", success: "204"),
        ],
        "/v1/agents": [
            "post": operation(
                "Register an agent", id: "createAgent",
                body: object(
                    ["name": string, "team_id": uuid, "owner_id": uuid, "labels": ["type": "object"]],
                    required: ["name", "team_id"]),
                success: "201", response: ref("Agent")),
            "get": operation("List agents", id: "listAgents", response: page("Agent")),
        ],
        "/v1/agents/{id}": [
            "get": operation("An agent", id: "getAgent", response: ref("Agent")),
            "patch": operation(
                "Change or disable an agent", id: "updateAgent",
                body: object([
                    "name": string, "team_id": uuid, "owner_id": ["type": ["string", "null"]],
                    "labels": ["type": "object"], "disabled": ["type": "boolean"],
                ]),
                response: ref("Agent")),
        ],
        "/v1/api-keys": [
            "post": operation(
                "Create an API key (shown once)", id: "createAPIKey",
                body: object(
                    ["name": string, "agent_id": uuid, "scopes": strings, "audiences": strings, "expires_at": string],
                    required: ["name", "scopes"]),
                success: "201", response: ref("CreatedAPIKey")),
            "get": operation("List API keys", id: "listAPIKeys", response: page("APIKey")),
        ],
        "/v1/api-keys/{id}": ["delete": operation("Revoke an API key", id: "revokeAPIKey", success: "204")],
    ]
}
