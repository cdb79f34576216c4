/// A member a request body must have, as its reader found it. Its value can be read only through
/// the ``JSONRequest/Valid`` proof that ``JSONRequest/finish()`` returns when the whole body is
/// valid, so no handler uses a member of a body that was not checked.
///
/// Only ``JSONRequest/require(_:_:)`` makes one, and it records a problem for every member it holds
/// no value for; a body with a problem never finishes, so a `Required` read through `Valid` holds a value.
struct Required<Value> {
    /// The value as read, before the body as a whole was checked: `nil` when the member is missing
    /// or was refused. Only for checks that look at several members before ``JSONRequest/finish()``.
    let unchecked: Value?

    fileprivate init(_ value: Value?) {
        unchecked = value
    }
}

extension Required: Sendable where Value: Sendable {}

extension JSONRequest {
    /// The proof that a body was read without a problem: it reads the body's ``Required`` members.
    struct Valid: Sendable {
        fileprivate init() {}

        /// The value of a member of the checked body. It throws (answered 500, never a trap) only for
        /// a handler's fault: a member missing or refused that was read after ``JSONRequest/finish()``
        /// or from another body.
        subscript<Value>(_ member: Required<Value>) -> Value {
            get throws {
                guard let value = member.unchecked else { throw UncheckedMember() }
                return value
            }
        }
    }

    /// A missing or refused member read after the body was checked, or from another body.
    struct UncheckedMember: Error {}

    /// `value` as a member the body must have: when it is `nil` and no problem was recorded at or
    /// under the member's pointer, the member is missing (absent, or `null`) and reported as required.
    mutating func require<Value>(_ key: String, _ value: Value?) -> Required<Value> {
        guard let value else {
            let pointer = pointer(key)
            if !errors.contains(where: { $0.path == pointer || $0.path.hasPrefix(pointer + "/") }) { fail(key, "is required") }
            return Required(nil)
        }
        return Required(value)
    }

    /// A required object member, read by `read` with a reader of its own whose problems (unknown
    /// members included) are reported under the member's pointer.
    mutating func nested<Value>(_ key: String, _ read: (inout JSONRequest) -> Value) -> Required<Value> {
        var result: Value?
        if let value = value(optional: key) {
            if case .object(let members) = value {
                var reader = JSONRequest(members: members, prefix: pointer(key))
                result = read(&reader)
                reader.collectUnknown()
                for error in reader.errors { fail(pointer: error.path, error.message) }
            } else {
                fail(key, "must be an object, not \(value.typeName)")
            }
        }
        return require(key, result)
    }

    /// Refuses unknown members and throws every problem found as one 422; returns the proof that
    /// the body is valid, which reads its ``Required`` members.
    @discardableResult
    mutating func finish() throws -> Valid {
        collectUnknown()
        guard errors.isEmpty else {
            throw Problem.invalid("The request body has \(errors.count) invalid field\(errors.count == 1 ? "" : "s").", errors: errors)
        }
        return Valid()
    }
}
