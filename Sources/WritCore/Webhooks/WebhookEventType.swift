/// What a webhook endpoint can subscribe to (CONTRACT §8). Each is derived from an event of the
/// tenant's audit chain, which every change appends in its own transaction.
public enum WebhookEventType: String, Sendable, CaseIterable, Comparable {
    case intentSubmitted = "intent.submitted"
    case approvalRequested = "approval.requested"
    case intentApproved = "intent.approved"
    case intentRejected = "intent.rejected"
    case intentDenied = "intent.denied"
    case intentExpired = "intent.expired"
    case intentCancelled = "intent.cancelled"
    case intentResult = "intent.result"
    case warrantRedeemed = "warrant.redeemed"
    case warrantRevoked = "warrant.revoked"
    case policyChanged = "policy.changed"
    case memberChanged = "member.changed"
    case keyRevoked = "key.revoked"

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The webhook events an audit event of `auditType` with `data` stands for, in a fixed order.
    /// A submission is `intent.submitted` and, by its status, also `approval.requested` (T1–T3
    /// waiting for people) or `intent.denied`.
    public static func derived(fromAudit auditType: AuditEventType, data: JSONValue) -> [WebhookEventType] {
        switch auditType {
        case .intentSubmitted:
            guard case .object(let members) = data, case .string(let status)? = members["status"] else { return [.intentSubmitted] }
            switch IntentStatus(rawValue: status) {
            case .pendingApproval: return [.intentSubmitted, .approvalRequested]
            case .denied: return [.intentSubmitted, .intentDenied]
            default: return [.intentSubmitted]
            }
        case .intentApproved: return [.intentApproved]
        case .intentRejected: return [.intentRejected]
        case .intentExpired: return [.intentExpired]
        case .intentCancelled: return [.intentCancelled]
        case .intentExecuted, .intentFailed: return [.intentResult]
        case .warrantRedeemed: return [.warrantRedeemed]
        case .warrantRevoked: return [.warrantRevoked]
        case .policyChanged: return [.policyChanged]
        case .memberInvited, .memberJoined, .memberAdded, .memberUpdated, .memberRemoved: return [.memberChanged]
        case .apiKeyRevoked: return [.keyRevoked]
        case .intentApprovalRecorded, .intentRejectionRecorded, .warrantIssued,
            .memberPasswordChanged, .memberTOTPEnrolmentStarted, .memberTOTPEnabled, .memberTOTPDisabled, .memberRecoveryCodeUsed,
            .apiKeyCreated, .teamCreated, .teamUpdated, .teamDeleted, .agentCreated, .agentUpdated, .agentDisabled, .agentEnabled,
            .tenantCreated, .signingKeyCreated, .sessionCreated, .sessionEnded,
            .webhookCreated, .webhookUpdated, .webhookDeleted, .webhookSecretRotated, .webhookRedeliveryRequested, .webhookDisabled,
            .auditCheckpoint, .auditPurged, .benchFiller, .benchAppend:
            return []
        }
    }
}
