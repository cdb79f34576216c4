import Foundation
import WritCore
import WritStore

/// An intent as an AuthZEN decision (§5.5): `true` only when a usable warrant was issued (T0, or
/// an intent already approved), carrying the warrant in `context`; otherwise `false`, with the
/// tier, the intent, why (the rule ids and their reasons) and, while it waits, where to approve it.
enum AuthZENDecision {
    static func json(_ record: IntentRecord, bearer: String?, consoleURL: String, now: Date = Date()) -> JSONValue {
        var context: [String: JSONValue] = [
            "intent_id": IdentityJSON.id(record.id), "status": .string(record.status.rawValue),
            "tier": record.tier.map { .string($0.rawValue) } ?? .null,
            "rules": .array(ruleIDs(record.decision).map(JSONValue.string)),
        ]
        if let reason = ViennaJSON.reason(record) { context["reason"] = .string(reason) }
        let claims = IntentStore.warrantClaims(of: record)
        let expiry = claims?["exp"]?.numberValue.map { Date(timeIntervalSince1970: $0) }
        if record.status == .approved, let bearer, let expiry, expiry > now {
            context["warrant"] = .string(bearer)
            context["warrant_expires_at"] = IdentityJSON.time(expiry)
            return ["decision": true, "context": .object(context)]
        }
        if record.status == .pendingApproval {
            context["approval_url"] = .string("\(consoleURL)/#/intents/\(record.id.uuidString.lowercased())")
            if let expiresAt = record.expiresAt { context["expires_at"] = IdentityJSON.time(expiresAt) }
        } else if record.status == .approved {
            context["reason"] = .string("the intent's warrant has expired or is not this caller's")
        }
        return ["decision": false, "context": .object(context)]
    }

    /// A decision for an evaluation that could not be filed (a batch reports it in place, §7.3.1).
    static func error(status: Int, message: String) -> JSONValue {
        ["decision": false, "context": ["error": ["status": .number(Double(status)), "message": .string(message)]]]
    }

    private static func ruleIDs(_ decision: JSONValue) -> [String] {
        guard case .array(let rules)? = decision["rules"] else { return [] }
        return rules.compactMap { $0["id"]?.stringValue }
    }
}
