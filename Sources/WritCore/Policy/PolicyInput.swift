/// What a policy sees of an intent.
public struct PolicyInput: Sendable {
    public var action: String
    public var resource: String
    public var params: JSONValue
    public var target: String?
    public var justification: String?
    public var agentID: String?
    public var agentName: String?
    public var agentLabels: [String: String]
    public var teamID: String
    public var teamName: String?

    public init(
        action: String, resource: String, params: JSONValue = .object([:]), target: String? = nil, justification: String? = nil,
        agentID: String? = nil, agentName: String? = nil, agentLabels: [String: String] = [:], teamID: String, teamName: String? = nil
    ) {
        self.action = action
        self.resource = resource
        self.params = params
        self.target = target
        self.justification = justification
        self.agentID = agentID
        self.agentName = agentName
        self.agentLabels = agentLabels
        self.teamID = teamID
        self.teamName = teamName
    }

    /// The document `when` paths resolve against.
    var subject: JSONValue {
        var object: [String: JSONValue] = [
            "action": .string(action), "resource": .string(resource), "params": params, "team": .string(teamID),
            "agent": .object([
                "id": agentID.map(JSONValue.string) ?? .null, "name": agentName.map(JSONValue.string) ?? .null,
                "labels": .object(agentLabels.mapValues(JSONValue.string)),
            ]),
        ]
        if let target { object["target"] = .string(target) }
        if let justification { object["justification"] = .string(justification) }
        return .object(object)
    }

    /// The values a `match` field compares with.
    func matchValues(_ field: String) -> [String] {
        switch field {
        case "action": [action]
        case "resource": [resource]
        case "agent": [agentID, agentName].compactMap { $0 }
        case "team": [teamID, teamName].compactMap { $0 }
        default: []
        }
    }
}
