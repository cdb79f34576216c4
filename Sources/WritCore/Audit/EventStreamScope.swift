import Foundation

/// Which of a tenant's audit events a principal may follow on `GET /v1/events`.
public enum EventStreamScope: Sendable, Equatable {
    /// Every event: admins, auditors and admin keys (who may read the whole audit log).
    case everything
    /// Events about intents, warrants and policies: the other members, who see those anyway.
    case intentsWarrantsAndPolicies
    /// Events about this agent's own intents: its `intents` key.
    case agent(UUID)

    /// The subject kinds ``intentsWarrantsAndPolicies`` shows.
    public static let memberSubjectKinds: [AuditSubjectKind] = [.intent, .warrant, .policy]

    /// The scope of `principal`; `nil` when it may not follow events (a key with neither the
    /// `admin` scope nor an agent's `intents` scope).
    public init?(principal: Principal) {
        switch principal {
        case .user(let user):
            self = user.roles.contains(.admin) || user.roles.contains(.auditor) ? .everything : .intentsWarrantsAndPolicies
        case .apiKey(let key):
            if key.scopes.contains(.admin) {
                self = .everything
            } else if key.scopes.contains(.intents), let agent = key.agentID {
                self = .agent(agent)
            } else {
                return nil
            }
        }
    }
}
