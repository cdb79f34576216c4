import Foundation

extension PolicyParser.Context {
    static let ruleFields: Set<String> = ["id", "match", "when", "tier", "effect", "approvals", "rate"]
    static let matchFields: Set<String> = ["action", "resource", "agent", "team"]

    mutating func rule(_ value: JSONValue, at path: String) -> PolicyDocument.Rule? {
        guard let members = object(value, at: path, allowed: Self.ruleFields) else {
            if value.objectValue == nil, !issues.contains(where: { $0.path == path }) { fail(path, "must be an object") }
            return nil
        }
        let before = issues.count
        var id = ""
        if let text = members["id"]?.stringValue, !text.isEmpty, text.count <= 100,
            text.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_.:".unicodeScalars.contains($0)) }
            )
        {
            id = text
        } else {
            fail("\(path)/id", "is required: 1 to 100 letters, digits, '-', '_', '.' or ':'")
        }
        var match: [String: Glob] = [:]
        if let fields = object(members["match"], at: "\(path)/match", allowed: Self.matchFields) {
            for (field, pattern) in fields where Self.matchFields.contains(field) {
                guard let text = pattern.stringValue else {
                    fail("\(path)/match/\(field)", "must be a glob string")
                    continue
                }
                switch Glob.parse(text, maxDeepWildcards: stored ? .max : Glob.maxDeepWildcards) {
                case .success(let glob): match[field] = glob
                case .failure(let error): fail("\(path)/match/\(field)", "is not a valid glob: it \(error.reason)")
                }
            }
        }
        var conditions: [Condition] = []
        if let value = members["when"] {
            if let elements = value.arrayValue {
                for (index, element) in elements.enumerated() {
                    if let condition = condition(element, at: "\(path)/when/\(index)") { conditions.append(condition) }
                }
            } else {
                fail("\(path)/when", "must be an array of conditions")
            }
        }
        let effect = effect(members, at: path)
        var approvals: PolicyDocument.Approvals?
        if let fields = object(members["approvals"], at: "\(path)/approvals", allowed: ["count", "roles"]) {
            let count = integer(fields["count"], at: "\(path)/approvals/count", range: 1...20) ?? 1
            var roles: [Role] = []
            if let value = fields["roles"] {
                if let elements = value.arrayValue {
                    for (index, element) in elements.enumerated() {
                        if let role = element.stringValue.flatMap(Role.init(rawValue:)) {
                            roles.append(role)
                        } else {
                            fail("\(path)/approvals/roles/\(index)", "must be one of admin, operator, approver, board, auditor")
                        }
                    }
                } else {
                    fail("\(path)/approvals/roles", "must be an array of roles")
                }
            }
            approvals = PolicyDocument.Approvals(count: count, roles: roles)
            if case .tier(let tier) = effect, tier == .t0 || tier == .t3 {
                fail("\(path)/approvals", "applies to T1 and T2 rules only (T3 uses board)")
            }
        }
        var rate: PolicyDocument.Rate?
        if let fields = object(members["rate"], at: "\(path)/rate", allowed: ["max", "per", "scope"]) {
            let max = integer(fields["max"], at: "\(path)/rate/max", range: 1...1_000_000)
            let seconds = duration(fields["per"], at: "\(path)/rate/per")
            var scope: PolicyDocument.Rate.Scope = .agent
            if let value = fields["scope"] {
                if let parsed = value.stringValue.flatMap(PolicyDocument.Rate.Scope.init(rawValue:)) {
                    scope = parsed
                } else {
                    fail("\(path)/rate/scope", "must be agent, team or tenant")
                }
            }
            if fields["max"] == nil { fail("\(path)/rate/max", "is required") }
            if fields["per"] == nil { fail("\(path)/rate/per", "is required") }
            if let max, let seconds { rate = PolicyDocument.Rate(max: max, seconds: seconds, scope: scope) }
        }
        guard issues.count == before, let effect else { return nil }
        return PolicyDocument.Rule(id: id, match: match, when: conditions, effect: effect, approvals: approvals, rate: rate)
    }

    private mutating func effect(_ members: [String: JSONValue], at path: String) -> RuleEffect? {
        switch (members["tier"], members["effect"]) {
        case (nil, nil):
            fail(path, "needs a tier (T0…T3) or \"effect\": \"deny\"")
            return nil
        case (.some, .some):
            fail("\(path)/effect", "cannot be combined with tier")
            return nil
        case (.some(let value), nil):
            return tier(value, at: "\(path)/tier").map(RuleEffect.tier)
        case (nil, .some(let value)):
            guard value == .string("deny") else {
                fail("\(path)/effect", "must be \"deny\"")
                return nil
            }
            return .deny
        }
    }

    private mutating func condition(_ value: JSONValue, at path: String) -> Condition? {
        guard let members = object(value, at: path, allowed: ["path", "op", "value"]) else {
            if value.objectValue == nil { fail(path, "must be an object with path, op and value") }
            return nil
        }
        let before = issues.count
        let segments = members["path"]?.stringValue?.split(separator: ".", omittingEmptySubsequences: false).map(String.init) ?? []
        let roots: Set<String> = ["params", "target", "agent", "action", "resource", "team", "justification"]
        if segments.isEmpty || segments.contains(where: \.isEmpty) || !roots.contains(segments[0]) {
            fail("\(path)/path", "must be a dotted path starting with one of \(roots.sorted().joined(separator: ", "))")
        }
        guard let opText = members["op"]?.stringValue, let op = Condition.Operator(rawValue: opText) else {
            fail("\(path)/op", "must be one of \(Condition.Operator.allCases.map(\.rawValue).joined(separator: " "))")
            return nil
        }
        guard let operand = members["value"] else {
            fail("\(path)/value", "is required")
            return nil
        }
        switch op {
        case .greater, .greaterOrEqual, .less, .lessOrEqual:
            if operand.numberValue == nil { fail("\(path)/value", "must be a number for \(op.rawValue)") }
        case .in, .notIn:
            if operand.arrayValue == nil { fail("\(path)/value", "must be an array for \(op.rawValue)") }
        case .startsWith, .endsWith:
            if operand.stringValue == nil { fail("\(path)/value", "must be a string for \(op.rawValue)") }
        case .exists:
            if case .bool = operand {} else { fail("\(path)/value", "must be true or false for exists") }
        case .equal, .notEqual, .contains:
            break
        }
        guard issues.count == before else { return nil }
        return Condition(path: segments, op: op, value: operand)
    }
}
