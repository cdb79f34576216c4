/// A tenant (an organisation) as sessions and `/v1/me` show it.
struct TenantBody: Decodable {
    let id: String
    let name: String
    let plan: String
}

/// An organisation a login belongs to.
struct OrganizationBody: Decodable {
    let id: String
    let name: String
}

/// A member (a person of a tenant), also as an invitation answers.
struct MemberBody: Decodable {
    let id: String
    let email: String
    let status: String
    let roles: [String]
    let teams: [String]
}

/// A team.
struct TeamBody: Decodable {
    let id: String
    let name: String
}

/// An agent.
struct AgentBody: Decodable {
    let id: String
    let name: String
    let ownerID: String?
    let labels: [String: String]
    let disabled: Bool

    private enum CodingKeys: String, CodingKey {
        case id, name, labels, disabled
        case ownerID = "owner_id"
    }
}

/// An API key as its creation answers: the only time the key and its signing secret are shown.
struct CreatedKeyBody: Decodable {
    let id: String
    let key: String
    let signingSecret: String

    private enum CodingKeys: String, CodingKey {
        case id, key
        case signingSecret = "signing_secret"
    }
}

/// `/v1/me`: a person (`kind` `user`) or an API key (`kind` `api_key`, with its agent if any).
struct MeBody: Decodable {
    let kind: String
    let tenant: TenantBody
    let user: MemberBody?
    let agent: AgentBody?
    let organizations: [OrganizationBody]?
}
