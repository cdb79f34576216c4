import WritCore

/// What a PATCH of an endpoint changes; `nil` leaves a field as it is.
public struct WebhookEndpointChanges: Sendable {
    public var url: String?
    public var events: [WebhookEventType]?
    /// Whether the description is set (to `description`, which `nil` clears).
    public var setsDescription = false
    public var description: String?
    public var ordered: Bool?
    /// `true` disables, `false` re-enables (and forgets past failures).
    public var disabled: Bool?

    public init() {}

    var auditData: [String: JSONValue] {
        var data: [String: JSONValue] = [:]
        if let url { data["url"] = .string(url) }
        if let events { data["events"] = .array(events.map { .string($0.rawValue) }) }
        if setsDescription { data["description"] = description.map(JSONValue.string) ?? .null }
        if let ordered { data["ordered"] = .bool(ordered) }
        if let disabled { data["disabled"] = .bool(disabled) }
        return data
    }
}
