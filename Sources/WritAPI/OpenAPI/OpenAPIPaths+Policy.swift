import WritCore

extension OpenAPIPaths {
    private static let policyDocument: JSONValue = [
        "type": "object", "description": "A policy document (CONTRACT §7)",
        "properties": ["defaults": ["type": "object"], "rules": ["type": "array"], "board": ["type": "object"]],
        "additionalProperties": false,
    ]

    private static func policyRoutes(_ prefix: String, _ name: String) -> [String: JSONValue] {
        [
            "\(prefix)/policy": [
                "get": operation("The \(name) policy's newest version", id: "get\(name.capitalized)Policy", response: ref("PolicyVersion")),
                "put": operation(
                    "Save a new version of the \(name) policy (optional ?comment=)", id: "put\(name.capitalized)Policy",
                    body: policyDocument, response: OpenAPISchemas.closed(["version": ["type": "integer"]])),
            ],
            "\(prefix)/policy/versions": [
                "get": operation(
                    "Versions of the \(name) policy, newest first", id: "list\(name.capitalized)PolicyVersions",
                    response: page("PolicyVersion"))
            ],
            "\(prefix)/policy/versions/{version}": [
                "get": operation(
                    "One version of the \(name) policy", id: "get\(name.capitalized)PolicyVersion",
                    response: ref("PolicyVersion"))
            ],
        ]
    }

    /// Policies, simulation and backtesting.
    static var policy: [String: JSONValue] {
        var paths = policyRoutes("/v1", "tenant").merging(policyRoutes("/v1/teams/{id}", "team")) { first, _ in first }
        paths["/v1/policies/simulate"] = [
            "post": operation(
                "Classify a hypothetical intent under the saved or a draft policy; stores nothing", id: "simulatePolicy",
                body: object(
                    [
                        "team_id": uuid, "policy": policyDocument,
                        "intent": object(
                            [
                                "action": string, "resource": string, "params": ["type": "object"], "agent_id": uuid,
                                "target": string, "justification": string,
                            ], required: ["action", "resource"]),
                    ], required: ["team_id", "intent"]), response: ref("Decision"))
        ]
        paths["/v1/policies/backtest"] = [
            "post": operation(
                "Replay a team's recorded intents under a draft policy (streamed)", id: "backtestPolicy",
                body: object(
                    ["team_id": uuid, "policy": policyDocument, "since": string, "until": string],
                    required: ["team_id", "policy", "since"]), response: ref("Backtest"))
        ]
        return paths
    }
}
