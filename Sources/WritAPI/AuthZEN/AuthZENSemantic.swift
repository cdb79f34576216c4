import WritCore

/// How a batch of evaluations runs (AuthZEN §7.2.1).
enum AuthZENSemantic: String {
    case executeAll = "execute_all"
    case denyOnFirstDeny = "deny_on_first_deny"
    case permitOnFirstPermit = "permit_on_first_permit"

    /// `options.evaluations_semantic`, `execute_all` when absent; other options are ignored.
    static func read(_ options: JSONValue?, errors: inout [Problem.FieldError]) -> AuthZENSemantic {
        guard let options, options != .null else { return .executeAll }
        guard case .object(let members) = options else {
            errors.append(.init(path: "/options", message: "must be an object"))
            return .executeAll
        }
        guard let value = members["evaluations_semantic"], value != .null else { return .executeAll }
        guard let text = value.stringValue, let semantic = AuthZENSemantic(rawValue: text) else {
            errors.append(
                .init(path: "/options/evaluations_semantic", message: "must be execute_all, deny_on_first_deny or permit_on_first_permit"))
            return .executeAll
        }
        return semantic
    }

    /// Whether the batch ends after an evaluation that `permitted` (or not).
    func stops(after permitted: Bool) -> Bool {
        switch self {
        case .executeAll: false
        case .denyOnFirstDeny: !permitted
        case .permitOnFirstPermit: permitted
        }
    }
}
