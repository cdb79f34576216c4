import Foundation

/// What a pack's report says, gathered while its intents and policies stream past in bounded
/// memory: counts by tier and status, the time to decision (a histogram by second, so the median
/// is exact), each approver's decisions, the first exceptions, and the policy changes.
public struct EvidenceSummary: Sendable {
    /// Rows of the exception table at most; the rest are counted (intents.ndjson has them all).
    public static let maxExceptions = 500

    public var intents = 0
    public var byTierAndStatus: [String: [String: Int]] = [:]
    var decisionSeconds: [Int: Int] = [:]
    public var approvers: [String: (approved: Int, rejected: Int)] = [:]
    public var exceptions: [(id: String, status: String, detail: String)] = []
    public var moreExceptions = 0
    public var policyChanges: [(time: String, policy: String, version: Int, author: String, comment: String)] = []
    public var revokedWarrants = 0

    public init() {}

    /// Counts one intent as `intents.ndjson` holds it.
    public mutating func add(intent: JSONValue) {
        intents += 1
        let status = intent["status"]?.stringValue ?? "?"
        let tier = intent["outcome"]?.stringValue == "deny" ? "denied" : intent["tier"]?.stringValue ?? "?"
        byTierAndStatus[tier, default: [:]][status, default: 0] += 1
        let decisions = intent["approvals"]?.arrayValue ?? []
        for decision in decisions {
            let who = decision["email"]?.stringValue ?? decision["user_id"]?.stringValue ?? "?"
            if ApprovalDecision(of: decision) == .approve {
                approvers[who, default: (0, 0)].approved += 1
            } else {
                approvers[who, default: (0, 0)].rejected += 1
            }
        }
        if let created = intent["created_at"]?.stringValue.flatMap(Timestamp.parse),
            let last = decisions.compactMap({ $0["at"]?.stringValue.flatMap(Timestamp.parse) }).max(),
            ["approved", "executed", "failed", "rejected"].contains(status)
        {
            decisionSeconds[max(0, Int(last.timeIntervalSince(created).rounded())), default: 0] += 1
        }
        let revoked = intent["warrant"]?["state"]?.stringValue == "revoked"
        if revoked { revokedWarrants += 1 }
        guard ["rejected", "expired", "denied", "cancelled", "failed"].contains(status) || revoked else { return }
        guard exceptions.count < Self.maxExceptions else {
            moreExceptions += 1
            return
        }
        let rules = intent["decision"]?["rules"]?.arrayValue?.compactMap { $0["id"]?.stringValue }.joined(separator: ", ") ?? ""
        var what = "\(intent["action"]?.stringValue ?? "") on \(intent["resource"]?.stringValue ?? "")"
        if !rules.isEmpty { what += " (rules: \(rules))" }
        for decision in decisions where ApprovalDecision(of: decision) == .reject {
            what +=
                "; rejected by \(decision["email"]?.stringValue ?? "?")"
                + (decision["comment"]?.stringValue.map { ": \u{201C}\($0)\u{201D}" } ?? "")
        }
        exceptions.append((intent["id"]?.stringValue ?? "?", revoked ? "\(status), warrant revoked" : status, what))
    }

    /// Records one policy version saved in the period.
    public mutating func add(policyVersion line: JSONValue) {
        let author = line["author"].map { "\($0["kind"]?.stringValue ?? "") \($0["id"]?.stringValue ?? "")" } ?? ""
        policyChanges.append(
            (
                line["created_at"]?.stringValue ?? "", line["policy_key"]?.stringValue ?? "",
                Int(line["version"]?.numberValue ?? 0), author, line["comment"]?.stringValue ?? ""
            ))
    }

    /// The median seconds from submission to the last decision, over intents people decided.
    public var medianDecisionSeconds: Int? {
        let total = decisionSeconds.values.reduce(0, +)
        guard total > 0 else { return nil }
        var seen = 0
        for (seconds, count) in decisionSeconds.sorted(by: { $0.key < $1.key }) {
            seen += count
            if seen * 2 >= total { return seconds }
        }
        return nil
    }
}
