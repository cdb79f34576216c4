/// What an audited change was done to: the `subject.kind` of an audit event. The raw values are
/// the strings stored and hashed.
public enum AuditSubjectKind: String, Sendable, CaseIterable {
    /// An intent.
    case intent
    /// A warrant; the id is its `jti`.
    case warrant
    /// A policy; the id is its `policy_key`.
    case policy
    /// A member (`users.id`).
    case user
    /// An API key.
    case apiKey = "api_key"
    /// A team.
    case team
    /// An agent.
    case agent
    /// The tenant itself.
    case tenant
    /// A signing key; the id is its `kid`.
    case signingKey = "signing_key"
    /// A person's session.
    case session
    /// A webhook endpoint.
    case webhook
    /// A checkpoint; the id is the seq it covers.
    case auditCheckpoint = "audit_checkpoint"
}
