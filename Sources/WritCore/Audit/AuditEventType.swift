/// What an audit event records: the `type` of every event in a tenant's chain (CONTRACT §3). The
/// raw values are the strings stored and hashed, so they never change (docs/audit-format.md).
public enum AuditEventType: String, Sendable, CaseIterable {
    /// An agent submitted an intent; `data` holds its outcome, tier, rules and status.
    case intentSubmitted = "intent.submitted"
    /// A person approved an intent that may still need more approvals.
    case intentApprovalRecorded = "intent.approval_recorded"
    /// A person rejected an intent.
    case intentRejectionRecorded = "intent.rejection_recorded"
    /// An intent got the approvals its tier needs.
    case intentApproved = "intent.approved"
    /// An intent was rejected for good.
    case intentRejected = "intent.rejected"
    /// Its agent withdrew a pending intent.
    case intentCancelled = "intent.cancelled"
    /// The agent reported an approved intent carried out.
    case intentExecuted = "intent.executed"
    /// The agent reported an approved intent failed.
    case intentFailed = "intent.failed"
    /// Nobody decided a pending intent in time.
    case intentExpired = "intent.expired"

    /// A warrant was signed for an intent.
    case warrantIssued = "warrant.issued"
    /// An executor redeemed a warrant.
    case warrantRedeemed = "warrant.redeemed"
    /// A warrant was revoked before use.
    case warrantRevoked = "warrant.revoked"

    /// A policy got a new version.
    case policyChanged = "policy.changed"

    /// The person who signed the organisation up became its first member.
    case memberAdded = "member.added"
    /// A person was invited.
    case memberInvited = "member.invited"
    /// An invited person accepted.
    case memberJoined = "member.joined"
    /// A member's roles or teams changed.
    case memberUpdated = "member.updated"
    /// A member was removed.
    case memberRemoved = "member.removed"
    /// A member changed their password.
    case memberPasswordChanged = "member.password_changed"
    /// A member began enrolling a TOTP authenticator.
    case memberTOTPEnrolmentStarted = "member.totp_enrolment_started"
    /// A member confirmed their TOTP authenticator.
    case memberTOTPEnabled = "member.totp_enabled"
    /// A member turned TOTP off.
    case memberTOTPDisabled = "member.totp_disabled"
    /// A member used a recovery code in place of a TOTP code.
    case memberRecoveryCodeUsed = "member.recovery_code_used"

    /// An API key was created.
    case apiKeyCreated = "api_key.created"
    /// An API key was revoked.
    case apiKeyRevoked = "api_key.revoked"

    /// A team was created.
    case teamCreated = "team.created"
    /// A team was renamed.
    case teamUpdated = "team.updated"
    /// A team was deleted.
    case teamDeleted = "team.deleted"

    /// An agent was registered.
    case agentCreated = "agent.created"
    /// An agent's name, team, owner or labels changed.
    case agentUpdated = "agent.updated"
    /// An agent was disabled.
    case agentDisabled = "agent.disabled"
    /// A disabled agent was enabled again.
    case agentEnabled = "agent.enabled"

    /// The organisation signed up.
    case tenantCreated = "tenant.created"
    /// A signing key was made (at sign-up or by rotation).
    case signingKeyCreated = "signing_key.created"

    /// A person signed in.
    case sessionCreated = "session.created"
    /// A person signed out.
    case sessionEnded = "session.ended"

    /// A webhook endpoint was created.
    case webhookCreated = "webhook.created"
    /// A webhook endpoint's settings changed.
    case webhookUpdated = "webhook.updated"
    /// A webhook endpoint was deleted.
    case webhookDeleted = "webhook.deleted"
    /// A webhook endpoint's signing secret was rotated.
    case webhookSecretRotated = "webhook.secret_rotated"
    /// A webhook delivery was queued again.
    case webhookRedeliveryRequested = "webhook.redelivery_requested"
    /// Writ disabled a webhook endpoint that kept failing.
    case webhookDisabled = "webhook.disabled"

    /// A signed checkpoint of the chain, right after the event it covers.
    case auditCheckpoint = "audit.checkpoint"
    /// Event bodies past the plan's retention were purged.
    case auditPurged = "audit.purged"

    /// A filler event of `writ bench` (only in a benchmark's own database).
    case benchFiller = "bench.filler"
    /// An append measured by `writ bench` (only in a benchmark's own database).
    case benchAppend = "bench.append"
}
