import Foundation
import WritCore

/// Typed members. A reader without `optional:` reads a member the body must have and returns a
/// ``Required``; one with `optional:` returns `nil` when the member is absent or `null`. Either records
/// every problem with a member that is present.
extension JSONRequest {
    /// A required string member, trimmed, within `1...maxLength` characters.
    mutating func string(_ key: String, maxLength: Int = 200) -> Required<String> {
        require(key, string(optional: key, maxLength: maxLength))
    }

    /// An optional string member, trimmed, within `1...maxLength` characters.
    mutating func string(optional key: String, maxLength: Int = 200) -> String? {
        guard let value = value(optional: key) else { return nil }
        guard case .string(let text) = value else {
            fail(key, "must be a string, not \(value.typeName)")
            return nil
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            fail(key, "must not be empty")
            return nil
        }
        guard trimmed.count <= maxLength else {
            fail(key, "must be at most \(maxLength) characters")
            return nil
        }
        guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            fail(key, "must not contain control characters")
            return nil
        }
        return trimmed
    }

    /// A required string member exactly as sent (passwords, tokens: never trimmed), at most `maxBytes` long.
    mutating func secret(_ key: String, maxBytes: Int = 1024) -> Required<String> {
        require(key, secret(optional: key, maxBytes: maxBytes))
    }

    /// An optional string member exactly as sent, at most `maxBytes` long.
    mutating func secret(optional key: String, maxBytes: Int = 1024) -> String? {
        guard let value = value(optional: key) else { return nil }
        guard case .string(let text) = value else {
            fail(key, "must be a string, not \(value.typeName)")
            return nil
        }
        guard !text.isEmpty else {
            fail(key, "must not be empty")
            return nil
        }
        guard text.utf8.count <= maxBytes else {
            fail(key, "must be at most \(maxBytes) bytes")
            return nil
        }
        return text
    }

    /// An optional boolean member.
    mutating func bool(optional key: String) -> Bool? {
        guard let value = value(optional: key) else { return nil }
        guard case .bool(let flag) = value else {
            fail(key, "must be true or false, not \(value.typeName)")
            return nil
        }
        return flag
    }

    /// A required UUID member.
    mutating func uuid(_ key: String) -> Required<UUID> {
        require(key, uuid(optional: key))
    }

    /// An optional UUID member.
    mutating func uuid(optional key: String) -> UUID? {
        guard let text = string(optional: key, maxLength: 36) else { return nil }
        guard let id = UUID(uuidString: text) else {
            fail(key, "must be a UUID")
            return nil
        }
        return id
    }

    /// A required array of strings, each validated by `transform` (returning `nil` to refuse it).
    mutating func list<T>(_ key: String, maxCount: Int = 50, _ transform: (String) -> T?) -> Required<[T]> {
        require(key, list(optional: key, maxCount: maxCount, transform))
    }

    /// An optional array of strings, each validated by `transform` (returning `nil` to refuse it).
    mutating func list<T>(optional key: String, maxCount: Int = 50, _ transform: (String) -> T?) -> [T]? {
        guard let value = value(optional: key) else { return nil }
        guard case .array(let elements) = value else {
            fail(key, "must be an array, not \(value.typeName)")
            return nil
        }
        guard elements.count <= maxCount else {
            fail(key, "must have at most \(maxCount) items")
            return nil
        }
        var result: [T] = []
        var valid = true
        for (index, element) in elements.enumerated() {
            guard case .string(let text) = element, let item = transform(text) else {
                fail(pointer: "\(pointer(key))/\(index)", "is not an accepted value")
                valid = false
                continue
            }
            result.append(item)
        }
        return valid ? result : nil
    }

    /// An optional RFC 3339 timestamp member.
    mutating func date(optional key: String) -> Date? {
        guard let text = string(optional: key, maxLength: 40) else { return nil }
        guard let date = Timestamp.parse(text) else {
            fail(key, Timestamp.requirement)
            return nil
        }
        return date
    }
}
