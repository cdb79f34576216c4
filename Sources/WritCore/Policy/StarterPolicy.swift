/// The tenant-wide policy every new tenant starts with (docs/policies.md).
public enum StarterPolicy {
    /// Reads T0; anything unknown T1; deletes and payments of 10,000 or more T2; production
    /// scaling and schema drops T3.
    public static let document: JSONValue = [
        "defaults": ["tier": "T1", "warrant_ttl": "5m", "approval_timeout": "24h"],
        "rules": [
            ["id": "reads", "match": ["action": "**.read"], "tier": "T0"],
            ["id": "lists", "match": ["action": "**.list"], "tier": "T0"],
            ["id": "deletes", "match": ["action": "**.delete"], "tier": "T2"],
            [
                "id": "large-payments", "match": ["action": "payments.**"],
                "when": [["path": "params.amount", "op": ">=", "value": 10000]], "tier": "T2",
            ],
            ["id": "production-scaling", "match": ["action": "**.scale", "resource": "prod/**"], "tier": "T3"],
            ["id": "schema-drops", "match": ["action": "db.drop"], "tier": "T3"],
        ],
        "board": ["veto": true, "timeout": "72h"],
    ]
}

extension PolicyDocument {
    /// A team's effective document: the tenant default extended by the team's policy. The team's
    /// `defaults` and `board` fields override the tenant's one by one; its rules are added, and a
    /// team rule with the id of a tenant rule replaces it.
    public static func effectiveSource(tenant: JSONValue?, team: JSONValue?) -> JSONValue {
        guard let team else { return tenant ?? .object([:]) }
        guard let tenant else { return team }
        var merged: [String: JSONValue] = [:]
        for section in ["defaults", "board"] {
            let combined = (tenant[section]?.objectValue ?? [:]).merging(team[section]?.objectValue ?? [:]) { _, teamValue in teamValue }
            if tenant[section] != nil || team[section] != nil { merged[section] = .object(combined) }
        }
        let teamRules = team["rules"]?.arrayValue ?? []
        let teamIDs = Set(teamRules.compactMap { $0["id"]?.stringValue })
        let inherited = (tenant["rules"]?.arrayValue ?? []).filter { !teamIDs.contains($0["id"]?.stringValue ?? "") }
        merged["rules"] = .array(inherited + teamRules)
        return .object(merged)
    }
}
