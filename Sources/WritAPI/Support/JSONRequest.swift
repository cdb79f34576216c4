import Foundation
import Hummingbird
import WritCore

/// Reads a JSON request body strictly: bounded size, strict syntax, an object at the top, typed
/// fields, and every unknown member refused. All problems are collected and reported together as
/// one 422 problem with JSON pointers; a body that is not JSON at all is a 400.
struct JSONRequest {
    /// The default body limit (CONTRACT §5).
    static let maxBodyBytes = 256 * 1024

    private let members: [String: JSONValue]
    private let prefix: String
    private var known: Set<String> = []
    private(set) var errors: [Problem.FieldError] = []

    /// Collects and parses the body of `request`.
    static func read(_ request: Request, context: some RequestContext, limit: Int = maxBodyBytes) async throws -> JSONRequest {
        try object(try await body(request, limit: limit))
    }

    /// The body as a JSON value: bounded, sent as `application/json` (415 otherwise), strict syntax (400 otherwise).
    static func body(_ request: Request, limit: Int = maxBodyBytes) async throws -> JSONValue {
        try parse(try await bytes(request, limit: limit))
    }

    /// The body's exact bytes: bounded, sent as `application/json` (415 otherwise, also for a body
    /// sent without a `Content-Type`; an empty body needs none).
    static func bytes(_ request: Request, limit: Int = maxBodyBytes) async throws -> [UInt8] {
        let type = request.headers[.contentType]
        if let type, !isJSON(type) {
            throw Problem(status: .unsupportedMediaType, detail: "Send the body as application/json.")
        }
        let bytes: [UInt8]
        do {
            bytes = Array(buffer: try await request.body.collect(upTo: limit))
        } catch {
            throw Problem(status: .contentTooLarge, detail: "The request body is larger than \(limit) bytes.")
        }
        if type == nil, !bytes.isEmpty {
            throw Problem(status: .unsupportedMediaType, detail: "Send the body as application/json, with that Content-Type.")
        }
        return bytes
    }

    /// Whether a `Content-Type` names JSON: `application/json`, parameters (charset) allowed.
    static func isJSON(_ type: String) -> Bool {
        type.split(separator: ";", maxSplits: 1).first?.trimmingCharacters(in: .whitespaces).lowercased() == "application/json"
    }

    /// Bytes as a JSON value, strict syntax (400 otherwise).
    static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        do {
            return try JSONParser.parse(bytes, maxDepth: 32)
        } catch {
            throw Problem(status: .badRequest, type: "malformed-json", title: "Malformed JSON", detail: error.description)
        }
    }

    /// A reader for a JSON object, or a 422 problem for any other value.
    static func object(_ value: JSONValue) throws -> JSONRequest {
        guard case .object(let members) = value else {
            throw Problem.invalid("The request body must be a JSON object.", errors: [.init(path: "", message: "expected an object")])
        }
        return JSONRequest(members: members)
    }

    private init(members: [String: JSONValue], prefix: String = "") {
        self.members = members
        self.prefix = prefix
    }

    /// A reader for an object member, reporting errors under its pointer; `nil` (and an error) if absent or not an object.
    mutating func nested(_ key: String, required: Bool = true) -> JSONRequest? {
        guard let value = value(key) else {
            if required { fail(key, "is required") }
            return nil
        }
        guard case .object(let members) = value else { fail(key, "must be an object, not \(value.typeName)"); return nil }
        return JSONRequest(members: members, prefix: prefix + "/" + Self.escape(key))
    }

    /// Takes over a nested reader's errors, including its unknown members.
    mutating func absorb(_ nested: JSONRequest) {
        var nested = nested
        nested.collectUnknown()
        errors += nested.errors
    }

    /// A raw member, marking it known.
    mutating func value(_ key: String) -> JSONValue? {
        known.insert(key)
        guard let value = members[key], value != .null else { return nil }
        return value
    }

    /// Whether the member is present at all (also as `null`).
    func has(_ key: String) -> Bool { members[key] != nil }

    /// Records a problem with a member.
    mutating func fail(_ key: String, _ message: String) {
        fail(pointer: prefix + "/" + Self.escape(key), message)
    }

    /// Records a problem at a JSON pointer.
    mutating func fail(pointer: String, _ message: String) {
        errors.append(.init(path: pointer, message: message))
    }

    /// A string member, trimmed, within `1...maxLength` characters.
    mutating func string(_ key: String, required: Bool = true, maxLength: Int = 200) -> String? {
        guard let value = value(key) else {
            if required { fail(key, "is required") }
            return nil
        }
        guard case .string(let text) = value else {
            fail(key, "must be a string, not \(value.typeName)")
            return nil
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { fail(key, "must not be empty"); return nil }
        guard trimmed.count <= maxLength else { fail(key, "must be at most \(maxLength) characters"); return nil }
        guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            fail(key, "must not contain control characters")
            return nil
        }
        return trimmed
    }

    /// A string member exactly as sent (passwords, tokens: never trimmed), at most `maxBytes` long.
    mutating func secret(_ key: String, required: Bool = true, maxBytes: Int = 1024) -> String? {
        guard let value = value(key) else {
            if required { fail(key, "is required") }
            return nil
        }
        guard case .string(let text) = value else {
            fail(key, "must be a string, not \(value.typeName)")
            return nil
        }
        guard !text.isEmpty else { fail(key, "must not be empty"); return nil }
        guard text.utf8.count <= maxBytes else { fail(key, "must be at most \(maxBytes) bytes"); return nil }
        return text
    }

    /// A boolean member.
    mutating func bool(_ key: String) -> Bool? {
        guard let value = value(key) else { return nil }
        guard case .bool(let flag) = value else { fail(key, "must be true or false, not \(value.typeName)"); return nil }
        return flag
    }

    /// A UUID member.
    mutating func uuid(_ key: String, required: Bool = true) -> UUID? {
        guard let text = string(key, required: required, maxLength: 36) else { return nil }
        guard let id = UUID(uuidString: text) else { fail(key, "must be a UUID"); return nil }
        return id
    }

    /// An array of strings, each validated by `transform` (returning `nil` to refuse it).
    mutating func list<T>(_ key: String, required: Bool = true, maxCount: Int = 50, _ transform: (String) -> T?) -> [T]? {
        guard let value = value(key) else {
            if required { fail(key, "is required") }
            return nil
        }
        guard case .array(let elements) = value else { fail(key, "must be an array, not \(value.typeName)"); return nil }
        guard elements.count <= maxCount else { fail(key, "must have at most \(maxCount) items"); return nil }
        var result: [T] = []
        var valid = true
        for (index, element) in elements.enumerated() {
            guard case .string(let text) = element, let item = transform(text) else {
                errors.append(.init(path: "\(prefix)/\(Self.escape(key))/\(index)", message: "is not an accepted value"))
                valid = false
                continue
            }
            result.append(item)
        }
        return valid ? result : nil
    }

    /// An RFC 3339 timestamp member.
    mutating func date(_ key: String) -> Date? {
        guard let text = string(key, required: false, maxLength: 40) else { return nil }
        guard let date = Timestamp.parse(text) else { fail(key, Timestamp.requirement); return nil }
        return date
    }

    /// Refuses unknown members and throws every problem found, or returns when the body is valid.
    mutating func finish() throws {
        collectUnknown()
        guard errors.isEmpty else {
            throw Problem.invalid("The request body has \(errors.count) invalid field\(errors.count == 1 ? "" : "s").", errors: errors)
        }
    }

    private mutating func collectUnknown() {
        for key in members.keys.sorted() where !known.contains(key) {
            errors.append(.init(path: prefix + "/" + Self.escape(key), message: "is not a known field"))
        }
        known.formUnion(members.keys)
    }

    /// JSON pointer escaping (RFC 6901).
    static func escape(_ key: String) -> String {
        key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }
}
