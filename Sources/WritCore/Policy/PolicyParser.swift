/// Parses and validates a policy document, reporting every error by JSON pointer.
public enum PolicyParser {
    /// One problem in a document.
    public struct Issue: Sendable, Equatable, CustomStringConvertible {
        /// JSON pointer, e.g. `/rules/2/when/0/op`.
        public let path: String
        public let message: String
        public var description: String { "\(path): \(message)" }
    }

    /// Every problem found in a refused document.
    public struct Invalid: Error, Sendable, Equatable {
        public let issues: [Issue]
    }

    /// The validated document, or every problem found.
    ///
    /// - Parameter stored: the document was saved earlier (it passed the checks of its day); limits
    ///   added since, such as the number of `**` in a glob, do not stop it from being compiled.
    public static func parse(_ value: JSONValue, stored: Bool = false) -> Result<PolicyDocument, Invalid> {
        var context = Context(stored: stored)
        let document = context.document(value)
        if let document, context.issues.isEmpty { return .success(document) }
        if context.issues.isEmpty { context.fail("", "must be a policy object") }
        return .failure(Invalid(issues: context.issues))
    }

    struct Context {
        /// Whether the document was saved earlier (see ``PolicyParser/parse(_:stored:)``).
        let stored: Bool
        var issues: [Issue] = []

        mutating func fail(_ path: String, _ message: String) {
            issues.append(Issue(path: path.isEmpty ? "" : path, message: message))
        }

        mutating func object(_ value: JSONValue?, at path: String, allowed: Set<String>) -> [String: JSONValue]? {
            guard let value else { return nil }
            guard case .object(let members) = value else {
                fail(path, "must be an object, not \(value.typeName)")
                return nil
            }
            for key in members.keys.sorted() where !allowed.contains(key) {
                fail("\(path)/\(Self.escape(key))", "is not a known field (expected one of \(allowed.sorted().joined(separator: ", ")))")
            }
            return members
        }

        mutating func duration(_ value: JSONValue?, at path: String) -> Int? {
            guard let value else { return nil }
            guard let text = value.stringValue, let seconds = PolicyDuration.seconds(text) else {
                fail(path, "must be a duration such as \"30s\", \"5m\", \"24h\" or \"7d\"")
                return nil
            }
            return seconds
        }

        mutating func integer(_ value: JSONValue?, at path: String, range: ClosedRange<Int>) -> Int? {
            guard let value else { return nil }
            guard let number = value.numberValue, let integer = Int(exactly: number), range.contains(integer) else {
                fail(path, "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
                return nil
            }
            return integer
        }

        mutating func tier(_ value: JSONValue?, at path: String) -> Tier? {
            guard let value else { return nil }
            guard let text = value.stringValue, let tier = Tier(rawValue: text) else {
                fail(path, "must be one of T0, T1, T2, T3")
                return nil
            }
            return tier
        }

        static func escape(_ key: String) -> String {
            key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
        }

        mutating func document(_ value: JSONValue) -> PolicyDocument? {
            guard let top = object(value, at: "", allowed: ["defaults", "rules", "board"]) else { return nil }
            var defaults = PolicyDocument.Defaults()
            if let members = object(top["defaults"], at: "/defaults", allowed: ["tier", "warrant_ttl", "approval_timeout"]) {
                defaults.tier = tier(members["tier"], at: "/defaults/tier") ?? defaults.tier
                if let ttl = duration(members["warrant_ttl"], at: "/defaults/warrant_ttl") {
                    if ttl > PolicyDocument.maxWarrantTTL {
                        fail("/defaults/warrant_ttl", "must be at most 1h")
                    } else {
                        defaults.warrantTTL = ttl
                    }
                }
                defaults.approvalTimeout =
                    duration(members["approval_timeout"], at: "/defaults/approval_timeout") ?? defaults.approvalTimeout
            }
            var board = PolicyDocument.Board()
            if let members = object(top["board"], at: "/board", allowed: ["quorum", "veto", "timeout"]) {
                board.quorum = integer(members["quorum"], at: "/board/quorum", range: 1...100)
                if let veto = members["veto"] {
                    if case .bool(let flag) = veto { board.veto = flag } else { fail("/board/veto", "must be true or false") }
                }
                board.timeout = duration(members["timeout"], at: "/board/timeout") ?? board.timeout
            }
            var rules: [PolicyDocument.Rule] = []
            if let value = top["rules"] {
                if let elements = value.arrayValue {
                    if elements.count > 20_000 { fail("/rules", "must have at most 20000 rules") }
                    var seen: [String: Int] = [:]
                    for (index, element) in elements.enumerated() {
                        // Duplicates are found from the raw ids, so an invalid rule still claims its id.
                        if let id = element["id"]?.stringValue {
                            if let first = seen[id] {
                                fail("/rules/\(index)/id", "duplicates the id of /rules/\(first)")
                            } else {
                                seen[id] = index
                            }
                        }
                        if let rule = rule(element, at: "/rules/\(index)") { rules.append(rule) }
                    }
                } else {
                    fail("/rules", "must be an array of rules")
                }
            }
            return PolicyDocument(defaults: defaults, rules: rules, board: board, source: value)
        }
    }
}
