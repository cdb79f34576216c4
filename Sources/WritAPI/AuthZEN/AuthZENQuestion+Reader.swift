import Foundation
import WritCore

extension AuthZENQuestion {
    /// An entity of the information model (§5): `type` (not for an action), its identifying member
    /// (`id`, or an action's `name`) and `properties`.
    struct Entity {
        let type: String?
        let name: String
        let properties: [String: JSONValue]?
    }

    /// Reads the members of one evaluation, falling back to the batch's defaults.
    struct Reader {
        let members: [String: JSONValue]
        let defaults: [String: JSONValue]
        let pointer: String
        var errors: [Problem.FieldError] = []

        mutating func fail(_ path: String, _ message: String) {
            errors.append(.init(path: path.isEmpty ? pointer : "\(pointer)/\(path)", message: message))
        }

        /// The member `key` of the evaluation, else of the defaults; `nil` when neither has one.
        func member(_ key: String) -> JSONValue? {
            if let value = members[key], value != .null { return value }
            if let value = defaults[key], value != .null { return value }
            return nil
        }

        /// An optional object member.
        mutating func object(_ key: String) -> [String: JSONValue]? {
            guard let value = member(key) else { return nil }
            guard case .object(let object) = value else {
                fail(key, "must be an object")
                return nil
            }
            return object
        }

        /// A required entity: an object with a non-empty string `type` (when `typed`) and `name`.
        mutating func entity(_ key: String, name: String, typed: Bool = true) -> Entity? {
            guard let value = member(key) else {
                fail(key, "is required")
                return nil
            }
            guard case .object(let object) = value else {
                fail(key, "must be an object")
                return nil
            }
            func text(_ member: String) -> String? {
                guard case .string(let text)? = object[member], !text.isEmpty, text.utf8.count <= 256 else {
                    fail("\(key)/\(member)", "is required: a string of 1 to 256 bytes")
                    return nil
                }
                return text
            }
            let type = typed ? text("type") : nil
            let identifier = text(name)
            var properties: [String: JSONValue]?
            if let value = object["properties"], value != .null {
                guard case .object(let members) = value else {
                    fail("\(key)/properties", "must be an object")
                    return nil
                }
                properties = members
            }
            guard let identifier, !typed || type != nil else { return nil }
            return Entity(type: type, name: identifier, properties: properties)
        }

        /// Adds `source`'s members to `params`; a member already there is a conflict.
        mutating func merge(_ source: [String: JSONValue]?, from path: String, into params: inout [String: JSONValue]) {
            for (name, value) in source ?? [:] {
                if params[name] != nil { fail("\(path)/\(name)", "is also given elsewhere; each param may come from one place") }
                params[name] = value
            }
        }

        /// `context.idempotency_key`: 1 to 255 characters on one line.
        mutating func idempotencyKey(_ value: JSONValue) -> String? {
            guard case .string(let key) = value, !key.isEmpty, key.count <= 255, !key.contains(where: \.isNewline) else {
                fail("context/\(AuthZENQuestion.idempotencyMember)", "must be a string of 1 to 255 characters on one line")
                return nil
            }
            return key
        }

        /// The intent's action and resource must be names Writ files.
        mutating func checkNames(action: String?, resource: String?) {
            if let action, !PolicyInputs.isSafeName(action) { fail("action/name", "may hold letters, digits and ._-/:@+= only") }
            if let resource, !PolicyInputs.isSafeName(resource) {
                fail("resource", "type and id may hold letters, digits and ._-/:@+= only")
            }
        }
    }
}
