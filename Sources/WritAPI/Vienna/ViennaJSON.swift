import Foundation
import WritCore
import WritStore

/// Writ's intents and warrants in the shapes Vienna OS's SDKs parse (docs/vienna-compatibility.md).
///
/// Both SDKs are strict: `vienna-os` builds its objects with `**dict`, so each object here has
/// exactly the keys its class declares; `vienna-sdk` needs `status` and `risk_tier` from its enums.
enum ViennaJSON {
    /// vienna-os `pipeline`: a warrant was issued (`executed`), one is awaited, or there is none.
    static func pipeline(_ status: IntentStatus) -> String {
        switch status {
        case .approved, .executed, .failed: "executed"
        case .pendingApproval: "pending_approval"
        case .denied, .rejected, .expired, .cancelled: "denied"
        }
    }

    /// vienna-sdk `status`: approved, pending, denied or expired.
    static func status(_ status: IntentStatus) -> String {
        switch status {
        case .approved, .executed, .failed: "approved"
        case .pendingApproval: "pending"
        case .expired: "expired"
        case .denied, .rejected, .cancelled: "denied"
        }
    }

    /// The tier; a denied intent has none in Writ, and both SDKs need one: the strictest, T3.
    static func tier(_ record: IntentRecord) -> String { (record.tier ?? .t3).rawValue }

    /// The ids of the rules that decided, comma-separated; `default` when none matched.
    static func matchedRules(_ decision: JSONValue) -> String {
        let ids = rules(decision).compactMap { $0["id"]?.stringValue }
        return ids.isEmpty ? "default" : ids.joined(separator: ",")
    }

    /// vienna-os `policy_evaluation.decision`: what the policy said, whatever happened since —
    /// `allow` (T0: a warrant at once), `require_approval` (T1–T3, also once approved or refused)
    /// or `deny`.
    static func policyDecision(_ record: IntentRecord) -> String {
        if record.status == .denied { return "deny" }
        return record.tier == .t0 ? "allow" : "require_approval"
    }

    /// Why the intent got its tier or was refused, in words, each reason led by its rule's id
    /// (`never-drop-prod: action db.drop matches db.drop`); `nil` when no rule said anything.
    static func reason(_ record: IntentRecord) -> String? {
        var reasons: [String] = []
        for rule in rules(record.decision) {
            guard let text = rule["reason"]?.stringValue else { continue }
            let line = rule["id"]?.stringValue.map { "\($0): \(text)" } ?? text
            if !reasons.contains(line) { reasons.append(line) }
        }
        switch record.status {
        case .rejected: return (["rejected by an approver"] + reasons).joined(separator: "; ")
        case .cancelled: return (["cancelled by the agent"] + reasons).joined(separator: "; ")
        case .expired: return (["no decision before the intent expired"] + reasons).joined(separator: "; ")
        default: return reasons.isEmpty ? nil : reasons.joined(separator: "; ")
        }
    }

    /// Distinct approvals the tier needs: 0 for T0, the policy's count, else 1 (a board majority
    /// depends on the board's size when the links go out).
    static func approvalsRequired(_ record: IntentRecord) -> Int {
        guard let tier = record.tier, tier != .t0 else { return 0 }
        if case .number(let count)? = record.decision["approvals"]?["count"] { return Int(count) }
        return 1
    }

    /// vienna-os `IntentResult`.
    static func pipelineResult(_ record: IntentRecord, bearer: String?) -> JSONValue {
        let claims = IntentStore.warrantClaims(of: record)
        return [
            "proposal": ["id": IdentityJSON.id(record.id), "state": .string(record.status.rawValue), "risk_tier": .string(tier(record))],
            "policy_evaluation": [
                "id": IdentityJSON.id(record.id), "decision": .string(policyDecision(record)),
                "matched_rule": .string(matchedRules(record.decision)), "tier": .string(tier(record)),
            ],
            "warrant": claims.map { warrant($0, signature: bearer) } ?? .null,
            "simulation": false, "pipeline": .string(pipeline(record.status)),
        ]
    }

    /// vienna-os `Warrant`: `{id, signature, expires_at}`; `signature` is the compact JWS for the
    /// agent that may present it and `null` for everyone else (no part of it: with the readable
    /// claims and the fixed header, the signature part alone rebuilds the token).
    static func warrant(_ claims: JSONValue, signature: String?) -> JSONValue {
        [
            "id": claims["jti"] ?? .null, "signature": signature.map(JSONValue.string) ?? .null,
            "expires_at": time(claims["exp"]),
        ]
    }

    /// vienna-sdk's flat intent result.
    static func sdkResult(_ record: IntentRecord, bearer: String?) -> JSONValue {
        let claims = IntentStore.warrantClaims(of: record)
        return [
            "intent_id": IdentityJSON.id(record.id), "status": .string(status(record.status)), "risk_tier": .string(tier(record)),
            "warrant_id": claims?["jti"] ?? .null, "warrant": claims.map { sdkWarrant($0, bearer: bearer) } ?? .null,
            "reason": reason(record).map(JSONValue.string) ?? .null,
            "poll_url": .string("\(ViennaRoutes.prefix)intents/\(record.id.uuidString.lowercased())"),
            "approval_required": .number(Double(approvalsRequired(record))),
        ]
    }

    /// vienna-sdk `Warrant`.
    static func sdkWarrant(_ claims: JSONValue, bearer: String?) -> JSONValue {
        var constraints: [String: JSONValue] = [:]
        for name in ["resource", "aud", "action_digest", "intent", "policy", "approvals"] { constraints[name] = claims[name] }
        return [
            "warrant_id": claims["jti"] ?? .null, "issued_at": time(claims["iat"]), "expires_at": time(claims["exp"]),
            "risk_tier": claims["tier"] ?? .null, "allowed_actions": .array([claims["action"] ?? .null]),
            "constraints": .object(constraints), "signature": bearer.map(JSONValue.string) ?? .null,
            "issuer": claims["iss"] ?? .null, "verified": true,
        ]
    }

    /// A NumericDate claim as RFC 3339.
    static func time(_ value: JSONValue?) -> JSONValue {
        guard case .number(let seconds)? = value else { return .null }
        return IdentityJSON.time(Date(timeIntervalSince1970: seconds))
    }

    private static func rules(_ decision: JSONValue) -> [JSONValue] {
        if case .array(let rules)? = decision["rules"] { return rules }
        return []
    }
}
