/// What an outgoing message is for; stored with it and sent as its `X-Writ-Kind` header.
public enum MailKind: String, Sendable, CaseIterable {
    /// An invitation to join an organisation, with the invitee's personal link.
    case invitation = "member.invitation"
    /// A T3 intent's personal board approval link.
    case boardApprovalLink = "board.approval_link"
    /// A T1/T2 intent an eligible approver may decide.
    case approvalRequested = "approval.requested"
    /// A webhook endpoint disabled after failing too long, to the admins.
    case webhookDisabled = "webhook-disabled"

    /// The words on the button that opens the message's personal link.
    var linkLabel: String {
        switch self {
        case .invitation: "Accept the invitation"
        case .boardApprovalLink: "Review and decide"
        case .approvalRequested, .webhookDisabled: "Open"
        }
    }
}
