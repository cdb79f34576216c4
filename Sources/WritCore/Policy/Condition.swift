/// A `when` condition: the value at `path` of the intent compared with `value` by `op`.
public struct Condition: Sendable, Equatable {
    /// The comparison operators.
    public enum Operator: String, Sendable, CaseIterable {
        case equal = "=="
        case notEqual = "!="
        case greater = ">"
        case greaterOrEqual = ">="
        case less = "<"
        case lessOrEqual = "<="
        case `in` = "in"
        case notIn = "not_in"
        case contains
        case startsWith = "starts_with"
        case endsWith = "ends_with"
        case exists
    }

    /// Dotted path into the intent, e.g. `params.amount`, `agent.labels.env`, `target`.
    public let path: [String]
    public let op: Operator
    public let value: JSONValue

    /// The dotted path as written.
    public var pathText: String { path.joined(separator: ".") }

    /// Whether the condition holds for `subject`, and a sentence saying why.
    func evaluate(_ subject: JSONValue) -> (Bool, String) {
        let actual = Self.resolve(path[...], in: subject)
        let shown = actual.map { CanonicalJSON.string($0) } ?? "absent"
        let expected = CanonicalJSON.string(value)
        let holds: Bool
        switch op {
        case .exists: holds = (actual != nil) == (value == .bool(true))
        case .equal: holds = actual.map { Self.equal($0, value) } ?? false
        case .notEqual: holds = actual.map { !Self.equal($0, value) } ?? false
        case .greater, .greaterOrEqual, .less, .lessOrEqual:
            guard let left = actual?.numberValue, let right = value.numberValue else {
                holds = false
                break
            }
            holds =
                switch op {
                case .greater: left > right
                case .greaterOrEqual: left >= right
                case .less: left < right
                default: left <= right
                }
        case .in: holds = actual.map { item in value.arrayValue?.contains { Self.equal($0, item) } ?? false } ?? false
        case .notIn: holds = actual.map { item in !(value.arrayValue?.contains { Self.equal($0, item) } ?? true) } ?? false
        case .contains:
            if let text = actual?.stringValue, let part = value.stringValue {
                holds = text.contains(part)
            } else if let items = actual?.arrayValue {
                holds = items.contains { Self.equal($0, value) }
            } else {
                holds = false
            }
        case .startsWith: holds = (actual?.stringValue).map { $0.hasPrefix(value.stringValue ?? "\u{0}") } ?? false
        case .endsWith: holds = (actual?.stringValue).map { $0.hasSuffix(value.stringValue ?? "\u{0}") } ?? false
        }
        return (holds, "\(pathText) (\(shown)) \(op.rawValue) \(expected)")
    }

    static func resolve(_ path: ArraySlice<String>, in value: JSONValue) -> JSONValue? {
        guard let key = path.first else { return value }
        guard let child = value[key] else { return nil }
        return resolve(path.dropFirst(), in: child)
    }

    static func equal(_ left: JSONValue, _ right: JSONValue) -> Bool {
        if let a = left.numberValue, let b = right.numberValue { return a == b }
        return left == right
    }
}
