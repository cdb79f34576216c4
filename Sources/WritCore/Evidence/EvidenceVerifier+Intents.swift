import Foundation
import WritCrypto

/// The policy versions a pack holds, by policy key and version.
struct PolicyHistory {
    struct Version {
        let document: JSONValue
        let createdAt: Date
    }

    var versions: [String: [Int: Version]] = [:]

    /// The newest version of `key` saved at or before `time`.
    func inForce(_ key: String, at time: Date) -> (number: Int, version: Version)? {
        versions[key]?.filter { $0.value.createdAt <= time }.max { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}

extension EvidenceVerifier {
    /// Each policy version parses, and those saved in the period are what the chain recorded.
    static func checkPolicies(_ bytes: [UInt8], facts: ChainFacts, _ outcome: inout Outcome) -> PolicyHistory {
        var history = PolicyHistory()
        for (index, line) in NDJSON.lines(bytes).enumerated() {
            let location = "policies.ndjson line \(index + 1)"
            guard let value = try? JSONParser.parse(Array(line)), let key = value["policy_key"]?.stringValue,
                let version = value["version"]?.numberValue.map(Int.init), let document = value["document"],
                let createdAt = value["created_at"]?.stringValue.flatMap(Timestamp.parse)
            else {
                outcome.findings.append(EvidenceFinding(location, "not a policy version"))
                continue
            }
            if case .failure = PolicyParser.parse(document, stored: true) {
                outcome.findings.append(EvidenceFinding(location, "policy \(key) version \(version) does not parse"))
            }
            if let recorded = facts.policyChanges["\(key)/\(version)"], CanonicalJSON.bytes(recorded) != CanonicalJSON.bytes(document) {
                outcome.findings.append(
                    EvidenceFinding(location, "policy \(key) version \(version) differs from the policy.changed event in the chain"))
            }
            history.versions[key, default: [:]][version] = .init(document: document, createdAt: createdAt)
        }
        for change in facts.policyChanges.keys.sorted() {
            let parts = change.split(separator: "/")
            if history.versions[String(parts[0])]?[Int(parts[1]) ?? 0] == nil {
                outcome.findings.append(
                    EvidenceFinding("policies.ndjson", "policy \(parts[0]) version \(parts[1]), saved in the period, is missing"))
            }
        }
        outcome.notes.append("policies: \(history.versions.values.map(\.count).reduce(0, +)) versions")
        return history
    }

    /// Each intent: its warrant's signature and `action_digest`, its approvals against what its tier
    /// required, its tier re-evaluated under the policy in force, and its submission in the chain.
    static func checkIntents(
        _ bytes: [UInt8], tenant: String, policies: PolicyHistory, facts: ChainFacts,
        keys: [String: Ed25519.PublicKey], _ outcome: inout Outcome
    ) {
        var counts = (intents: 0, warrants: 0, withheld: 0, reevaluated: 0)
        for (index, line) in NDJSON.lines(bytes).enumerated() {
            guard let intent = try? JSONParser.parse(Array(line)), let id = intent["id"]?.stringValue else {
                outcome.findings.append(EvidenceFinding("intents.ndjson line \(index + 1)", "not an intent"))
                continue
            }
            let location = "intent \(id)"
            counts.intents += 1
            var problems: [String] = []
            if let recorded = facts.submitted[id] {
                for name in ["action", "resource", "outcome", "tier"] where recorded[name] != intent[name] {
                    problems.append("its \(name) differs from the intent.submitted event in the chain")
                }
            }
            switch checkWarrant(intent, tenant: tenant, keys: keys) {
            case .some(.success(let withheld)):
                counts.warrants += 1
                if withheld { counts.withheld += 1 }
            case .some(.failure(let problem)): problems.append(problem.problem)
            case nil: break
            }
            problems += checkApprovals(intent)
            if let problem = reevaluate(intent, tenant: tenant, policies: policies) {
                problems.append(problem)
            } else {
                counts.reevaluated += 1
            }
            outcome.findings += problems.map { EvidenceFinding(location, $0) }
        }
        outcome.notes.append(
            "intents: \(counts.intents), \(counts.warrants) warrants checked (\(counts.withheld) still usable: signature withheld), \(counts.reevaluated) tiers re-evaluated"
        )
    }

    /// `nil` without a warrant; whether its signature was withheld (it is still usable), or the problem.
    static func checkWarrant(_ intent: JSONValue, tenant: String, keys: [String: Ed25519.PublicKey]) -> Result<Bool, EvidenceFinding>? {
        guard let warrant = intent["warrant"], warrant != .null else { return nil }
        let fail = { (problem: String) in Result<Bool, EvidenceFinding>.failure(EvidenceFinding("", problem)) }
        var claims = warrant["claims"]
        if let token = warrant["token"]?.stringValue {
            let iat = warrant["claims"]?["iat"]?.numberValue ?? 0
            switch Warrant.verify(token, keys: keys, tenant: tenant, now: Date(timeIntervalSince1970: iat)) {
            case .failure(let error): return fail("its warrant does not verify (\(error.refusal.rawValue))")
            case .success: claims = JWS.Parts(compact: token).flatMap { try? JSONParser.parse($0.payload) }
            }
        }
        guard let claims, let action = intent["action"]?.stringValue, let resource = intent["resource"]?.stringValue,
            let params = intent["params"]
        else { return fail("its warrant has no claims") }
        if claims["action_digest"]?.stringValue != Warrant.actionDigest(action: action, resource: resource, params: params) {
            return fail("its warrant's action_digest is not the digest of its action, resource and params")
        }
        if claims["intent"] != intent["id"] || claims["tier"] != intent["tier"] { return fail("its warrant names another intent or tier") }
        return .success(warrant["token"]?.stringValue == nil)
    }

    /// An intent that got its warrant through approval has exactly the approvals its tier required,
    /// from distinct people, none of them excluded, each with MFA when the tier required it.
    static func checkApprovals(_ intent: JSONValue) -> [String] {
        guard let tier = intent["tier"]?.stringValue, tier != "T0", case .array(let decisions)? = intent["approvals"] else { return [] }
        let approvers = decisions.filter { ApprovalDecision(of: $0) == .approve }.compactMap { $0["user_id"]?.stringValue }
        let excluded = Set(intent["excluded_approvers"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        var problems: [String] = []
        if Set(approvers).count != approvers.count { problems.append("one person approved twice") }
        if !excluded.isDisjoint(with: approvers) {
            problems.append("approved by a person excluded from approving it (the agent's owner or its key's creator)")
        }
        guard intent["warrant"] != nil, intent["warrant"] != .null else { return problems }
        if let required = intent["required_approvals"]?.numberValue, approvers.count != Int(required) {
            problems.append("has \(approvers.count) approvals; its tier required \(Int(required))")
        }
        if intent["decision"]?["approvals"]?["mfa"] == .bool(true),
            decisions.contains(where: { ApprovalDecision(of: $0) == .approve && $0["mfa"] != .bool(true) })
        {
            problems.append("an approval without the second factor its tier required")
        }
        let signed = Set(intent["warrant"]?["claims"]?["approvals"]?.arrayValue?.compactMap { $0["by"]?.stringValue } ?? [])
        if signed != Set(approvers) { problems.append("its warrant lists other approvers than the recorded approvals") }
        return problems
    }
}

extension EvidenceVerifier {
    /// `nil` when the intent's outcome and tier follow from the policy in force when it was
    /// submitted (the team's version it names, extending the tenant default of that moment), given
    /// what the evaluation saw of the agent and the rate counts it recorded; else what differs.
    static func reevaluate(_ intent: JSONValue, tenant: String, policies: PolicyHistory) -> String? {
        guard let key = intent["policy"]?["id"]?.stringValue, let version = intent["policy"]?["version"]?.numberValue.map(Int.init),
            let created = intent["created_at"]?.stringValue.flatMap(Timestamp.parse),
            let action = intent["action"]?.stringValue, let resource = intent["resource"]?.stringValue,
            let team = intent["team_id"]?.stringValue
        else { return "its record lacks the policy, time or names needed to re-evaluate it" }
        var teamDocument: JSONValue?
        var baseNumber: Int? = version
        if key != tenant {
            guard let document = policies.versions[key]?[version]?.document else {
                return "policy \(key) version \(version) is not in the pack"
            }
            teamDocument = document
            baseNumber = intent["policy"]?["base_version"]?.numberValue.map(Int.init) ?? policies.inForce(tenant, at: created)?.number
        }
        var base: JSONValue?
        if let baseNumber, baseNumber > 0 {
            guard let document = policies.versions[tenant]?[baseNumber]?.document else {
                return "the default policy's version \(baseNumber) is not in the pack"
            }
            base = document
        }
        guard
            case .success(let document) = PolicyParser.parse(PolicyDocument.effectiveSource(tenant: base, team: teamDocument), stored: true)
        else {
            return "its policy does not parse"
        }
        let evaluation = intent["evaluation"]
        var labels: [String: String] = [:]
        for (name, value) in evaluation?["agent"]?["labels"]?.objectValue ?? [:] { labels[name] = value.stringValue }
        let input = PolicyInput(
            action: action, resource: resource, params: intent["params"] ?? .object([:]), target: intent["target"]?.stringValue,
            justification: intent["justification"]?.stringValue, agentID: intent["agent_id"]?.stringValue,
            agentName: evaluation?["agent"]?["name"]?.stringValue, agentLabels: labels, teamID: team)
        var counts: [CompiledPolicy.RateQuery: Int] = [:]
        for item in evaluation?["rate_counts"]?.arrayValue ?? [] {
            guard let scope = item["scope"]?.stringValue.flatMap(PolicyDocument.Rate.Scope.init(rawValue:)),
                let seconds = item["seconds"]?.numberValue, let count = item["count"]?.numberValue
            else { continue }
            counts[CompiledPolicy.RateQuery(scope: scope, seconds: Int(seconds))] = Int(count)
        }
        let decision = CompiledPolicy(document).evaluate(input, rateCounts: counts)
        let found = decision.outcome == .deny ? "denied" : decision.tier?.rawValue ?? "?"
        let recorded = intent["outcome"]?.stringValue == "deny" ? "denied" : intent["tier"]?.stringValue ?? "?"
        guard found != recorded else { return nil }
        return "re-evaluated under policy \(key) version \(version) it is \(found); the record says \(recorded)"
    }
}
