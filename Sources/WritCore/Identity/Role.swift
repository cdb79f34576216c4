/// What a person may do in a tenant.
public enum Role: String, Sendable, CaseIterable, Codable, Comparable {
    /// Manages members, teams, agents, keys and policies; may approve T1.
    case admin
    /// Approves T1 intents of their teams.
    case `operator`
    /// Approves T2 intents (with TOTP).
    case approver
    /// Approves T3 intents through board links.
    case board
    /// Reads everything, changes nothing.
    case auditor

    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// What an API key may do.
public enum Scope: String, Sendable, CaseIterable, Codable, Comparable {
    /// Submit and follow intents.
    case intents
    /// Verify and redeem warrants (executors).
    case warrants
    /// Manage the tenant like an admin.
    case admin

    public static func < (lhs: Scope, rhs: Scope) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
