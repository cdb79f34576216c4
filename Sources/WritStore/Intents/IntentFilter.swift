import Foundation
import WritCore

/// Which intents a listing shows; every field narrows it, `nil` leaves it open.
public struct IntentFilter: Sendable {
    public var status: IntentStatus?
    public var tier: Tier?
    public var teamID: UUID?
    public var agentID: UUID?
    public var since: Date?
    public var until: Date?

    public init(
        status: IntentStatus? = nil, tier: Tier? = nil, teamID: UUID? = nil, agentID: UUID? = nil, since: Date? = nil, until: Date? = nil
    ) {
        self.status = status
        self.tier = tier
        self.teamID = teamID
        self.agentID = agentID
        self.since = since
        self.until = until
    }
}
