/// Where an intent is in its life: waiting for people, decided, or finished.
public enum IntentStatus: String, CaseIterable, Sendable {
    case pendingApproval = "pending_approval"
    case approved
    case executed
    case failed
    case rejected
    case expired
    case cancelled
    case denied
}
