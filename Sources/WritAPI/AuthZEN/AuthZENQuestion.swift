import Foundation
import WritCore

/// One access evaluation of the OpenID AuthZEN Authorization API 1.0 (§6), as Writ files it: the
/// intent's action is `action.name`, its resource `resource.type/resource.id`, its params the
/// members of `resource.properties`, `action.properties` and `context` (docs/authzen.md).
///
/// Read as the specification asks: unknown members are ignored (§10.1.1), a missing or mistyped
/// required member is a 400.
struct AuthZENQuestion: Sendable {
    let subjectType: String
    let subjectID: String
    let action: String
    let resource: String
    let params: JSONValue
    /// `context.idempotency_key`, else the request's `X-Request-ID` (per evaluation of a batch).
    let idempotencyKey: String?

    /// The context member that names the idempotency key (never filed as a param).
    static let idempotencyMember = "idempotency_key"

    /// Reads `value`, taking `subject`, `action`, `resource` and `context` from `defaults` where it
    /// lacks them (§7.1.1), recording each problem under `pointer`.
    static func read(
        _ value: JSONValue, defaults: [String: JSONValue] = [:], pointer: String, requestID: String?,
        errors: inout [Problem.FieldError]
    ) -> AuthZENQuestion? {
        guard case .object(let members) = value else {
            errors.append(.init(path: pointer, message: "must be an object"))
            return nil
        }
        var reader = Reader(members: members, defaults: defaults, pointer: pointer)
        let subject = reader.entity("subject", name: "id")
        let action = reader.entity("action", name: "name", typed: false)
        let resource = reader.entity("resource", name: "id")
        let context = reader.object("context")
        var params: [String: JSONValue] = [:]
        reader.merge(resource?.properties, from: "resource/properties", into: &params)
        reader.merge(action?.properties, from: "action/properties", into: &params)
        var key = requestID
        if let context {
            var rest = context
            if let given = rest.removeValue(forKey: idempotencyMember) {
                key = reader.idempotencyKey(given)
            }
            reader.merge(rest, from: "context", into: &params)
        }
        let resourceName = resource.map { "\($0.type ?? "")/\($0.name)" }
        reader.checkNames(action: action?.name, resource: resourceName)
        errors += reader.errors
        guard reader.errors.isEmpty, let subject, let subjectType = subject.type, let action, let resourceName else { return nil }
        return AuthZENQuestion(
            subjectType: subjectType, subjectID: subject.name, action: action.name, resource: resourceName,
            params: .object(params), idempotencyKey: key)
    }
}
