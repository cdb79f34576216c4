/// Who caused an audited change: the `actor.kind` of an audit event (and a policy version's
/// author). The raw values are the strings stored and hashed.
public enum AuditActorKind: String, Sendable, CaseIterable {
    /// A signed-in person; the id is their membership (`users.id`).
    case user
    /// An API key; the id is the key's.
    case apiKey = "api_key"
    /// An agent, through its key; the id is the agent's.
    case agent
    /// Writ itself (sweepers, background jobs); no id.
    case system
    /// A writer task of `writ bench` (only in a benchmark's own database); the id is its number.
    case writer
}
