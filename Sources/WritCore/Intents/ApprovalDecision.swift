/// A person's decision on an intent waiting for approval. The raw values are those of the API's
/// `decision` member and of `approvals.decision`.
public enum ApprovalDecision: String, Sendable, CaseIterable {
    case approve
    case reject

    /// The decision of a recorded entry such as `{"user_id": …, "decision": "approve", …}` (an
    /// evidence pack's `approvals`); `nil` when it names neither.
    public init?(of entry: JSONValue) {
        guard let text = entry["decision"]?.stringValue else { return nil }
        self.init(rawValue: text)
    }
}
