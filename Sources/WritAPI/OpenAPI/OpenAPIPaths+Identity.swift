import WritCore

extension OpenAPIPaths {
    /// An operation with an optional JSON request body and the usual problem responses.
    static func operation(
        _ summary: String, id: String, body: JSONValue? = nil, success: String = "200", response: JSONValue = ["type": "object"],
        authenticated: Bool = true
    ) -> JSONValue {
        var responses: [String: JSONValue] = [
            success: success == "204" ? ["description": "Done"] : OpenAPIDocument.json("Success", schema: response),
            "422": OpenAPIDocument.problem("Invalid input; `errors` lists each field"),
        ]
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
        ["type": "object", "properties": .object(properties), "required": .array(required.map(JSONValue.string)),
         "additionalProperties": false]
    }

    static let string: JSONValue = ["type": "string"]
    static let uuid: JSONValue = ["type": "string", "format": "uuid"]
    static let strings: JSONValue = ["type": "array", "items": ["type": "string"]]
    static let list: JSONValue = ["type": "object", "properties": ["items": ["type": "array"], "next_cursor": ["type": ["string", "null"]]]]

    /// Sign-up, sessions, the caller, invitations and TOTP.
    static let account: [String: JSONValue] = [
        "/v1/signup": ["post": operation(
            "Create an organisation on the free plan with its first admin", id: "signup",
            body: object(["organization": string, "email": string, "password": string], required: ["organization", "email", "password"]),
            success: "201", authenticated: false)],
        "/v1/sessions": ["post": operation(
            "Sign in; a login in several organisations names one with tenant_id or gets choose_organization", id: "login",
            body: object(["email": string, "password": string, "totp": string, "tenant_id": uuid], required: ["email", "password"]),
            success: "201", authenticated: false)],
        "/v1/sessions/current": ["delete": operation("Sign out", id: "logout", success: "204")],
        "/v1/me": ["get": operation("The caller: a signed-in person or an API key", id: "me")],
        "/v1/me/password": ["post": operation(
            "Change the login's password; every other session, in every organisation, ends", id: "changePassword",
            body: object(["current_password": string, "new_password": string], required: ["current_password", "new_password"]))],
        "/v1/invitations/accept": ["post": operation(
            "Accept a mailed invitation with a new password, or the password of the address's login", id: "acceptInvitation",
            body: object(["token": string, "password": string], required: ["token", "password"]), success: "201",
            authenticated: false)],
        "/v1/me/totp": [
            "post": operation("Start TOTP enrolment", id: "enrolTOTP", success: "201"),
            "delete": operation("Turn TOTP off", id: "disableTOTP", body: object(["code": string], required: ["code"]), success: "204"),
        ],
        "/v1/me/totp/confirm": ["post": operation(
            "Confirm TOTP enrolment; returns recovery codes", id: "confirmTOTP", body: object(["code": string], required: ["code"]))],
    ]

    /// Members, teams, agents and API keys.
    static let management: [String: JSONValue] = [
        "/v1/members": [
            "post": operation("Invite a member: the link is mailed to the address, never returned", id: "inviteMember",
                              body: object(["email": string, "roles": strings, "teams": strings], required: ["email", "roles"]),
                              success: "201"),
            "get": operation("List members", id: "listMembers", response: list),
        ],
        "/v1/members/{id}": [
            "get": operation("A member", id: "getMember"),
            "patch": operation("Change a member's roles or teams", id: "updateMember", body: object(["roles": strings, "teams": strings])),
            "delete": operation("Remove a member", id: "removeMember", success: "204"),
        ],
        "/v1/teams": [
            "post": operation("Create a team", id: "createTeam", body: object(["name": string], required: ["name"]), success: "201"),
            "get": operation("List teams", id: "listTeams", response: list),
        ],
        "/v1/teams/{id}": [
            "get": operation("A team", id: "getTeam"),
            "patch": operation("Rename a team", id: "renameTeam", body: object(["name": string], required: ["name"])),
            "delete": operation("Delete a team without agents", id: "deleteTeam", success: "204"),
        ],
        "/v1/agents": [
            "post": operation("Register an agent", id: "createAgent",
                              body: object(["name": string, "team_id": uuid, "owner_id": uuid, "labels": ["type": "object"]],
                                           required: ["name", "team_id"]),
                              success: "201"),
            "get": operation("List agents", id: "listAgents", response: list),
        ],
        "/v1/agents/{id}": [
            "get": operation("An agent", id: "getAgent"),
            "patch": operation("Change or disable an agent", id: "updateAgent",
                               body: object(["name": string, "team_id": uuid, "owner_id": ["type": ["string", "null"]],
                                             "labels": ["type": "object"], "disabled": ["type": "boolean"]])),
        ],
        "/v1/api-keys": [
            "post": operation("Create an API key (shown once)", id: "createAPIKey",
                              body: object(["name": string, "agent_id": uuid, "scopes": strings, "audiences": strings, "expires_at": string],
                                           required: ["name", "scopes"]),
                              success: "201"),
            "get": operation("List API keys", id: "listAPIKeys", response: list),
        ],
        "/v1/api-keys/{id}": ["delete": operation("Revoke an API key", id: "revokeAPIKey", success: "204")],
    ]
}
