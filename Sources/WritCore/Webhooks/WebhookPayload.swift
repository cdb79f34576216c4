import Foundation

/// The bodies a webhook delivers for one derived event: the Standard Webhooks JSON
/// (`{type, timestamp, data}`) and, for a Slack incoming webhook, a readable message.
public enum WebhookPayload {
    /// The `webhook-id`: the same for every attempt and redelivery of this event to any endpoint,
    /// so a receiver can deduplicate by it.
    public static func messageID(tenant: UUID, seq: Int64, type: WebhookEventType) -> String {
        "msg_" + tenant.uuidString.lowercased().replacingOccurrences(of: "-", with: "") + "_\(seq)_"
            + type.rawValue.replacingOccurrences(of: ".", with: "_")
    }

    /// The signed JSON: the event's type and time, and in `data` where it sits in the audit chain,
    /// who did it, to what, its details, and for intents what the intent asks (`intent`).
    /// `event` is the audit event as the chain stores it; `intent` the intent's fixed fields.
    public static func standard(type: WebhookEventType, event: JSONValue, intent: JSONValue?) -> [UInt8] {
        guard case .object(let members) = event else { return CanonicalJSON.bytes(["type": .string(type.rawValue)]) }
        var data: [String: JSONValue] = [
            "tenant_id": members["tenant"] ?? .null, "audit_seq": members["seq"] ?? .null, "audit_type": members["type"] ?? .null,
            "actor": members["actor"] ?? .null, "subject": members["subject"] ?? .null, "details": members["data"] ?? .object([:]),
        ]
        if let intent { data["intent"] = intent }
        return CanonicalJSON.bytes([
            "type": .string(type.rawValue), "timestamp": members["time"] ?? .null, "data": .object(data),
        ])
    }

    /// A Slack incoming-webhook message (`{"text": …}`): who wants to do what, the tier, the
    /// matched rules and a link to the intent in the console. Deliberately no approve button:
    /// approving needs the person's session (and TOTP for T2), never a click in a chat.
    public static func slack(type: WebhookEventType, event: JSONValue, intent: JSONValue?, consoleURL: String) -> [UInt8] {
        let details = event["data"]
        let who = intent?["agent"]?["name"]?.stringValue ?? event["actor"]?["id"]?.stringValue ?? "someone"
        var lines: [String] = []
        if let intent, let id = intent["id"]?.stringValue {
            let action = intent["action"]?.stringValue ?? "?"
            let resource = intent["resource"]?.stringValue ?? "?"
            let headline: String =
                switch type {
                case .approvalRequested: "*\(escape(who))* asks for approval to `\(escape(action))` on `\(escape(resource))`"
                case .intentSubmitted: "*\(escape(who))* submitted `\(escape(action))` on `\(escape(resource))`"
                default:
                    "`\(escape(action))` on `\(escape(resource))` by *\(escape(who))*: \(type.rawValue.replacingOccurrences(of: "intent.", with: ""))"
                }
            lines.append(headline)
            var facts: [String] = []
            if let tier = intent["tier"]?.stringValue { facts.append("tier \(tier)") }
            if let rules = intent["rules"]?.arrayValue?.compactMap(\.stringValue), !rules.isEmpty {
                facts.append("rules: " + rules.map(escape).joined(separator: ", "))
            }
            if let justification = intent["justification"]?.stringValue { facts.append("why: " + escape(justification)) }
            if !facts.isEmpty { lines.append(facts.joined(separator: " · ")) }
            lines.append("<\(consoleURL)/#/intents/\(id)|Open in Writ>")
        } else {
            lines.append("Writ: \(type.rawValue) by \(escape(who))")
            if case .object(let members)? = details, !members.isEmpty {
                lines.append(
                    members.keys.sorted().map { key in
                        "\(key): " + escape(members[key]!.stringValue ?? CanonicalJSON.string(members[key]!))
                    }.joined(separator: " · "))
            }
        }
        return CanonicalJSON.bytes(["text": .string(lines.joined(separator: "\n"))])
    }

    /// Slack's three control characters, escaped as its formatting rules ask.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(
            of: ">", with: "&gt;")
    }
}
