import Foundation
import Hummingbird
import WritCore

/// Reads a JSON request body strictly: bounded size, strict syntax, an object at the top, typed
/// fields, and every unknown member refused. All problems are collected and reported together as
/// one 422 problem with JSON pointers; a body that is not JSON at all is a 400.
///
/// A reader of a member the body must have returns a ``Required`` value, readable only through the
/// ``Valid`` proof that ``finish()`` returns once the whole body was checked; a reader of an
/// optional member (`optional:`) returns the value or `nil`.
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

    /// A reader for `members`, reporting problems under the JSON pointer `prefix`.
    init(members: [String: JSONValue], prefix: String = "") {
        self.members = members
        self.prefix = prefix
    }

    /// A raw member, marking it known; `nil` when absent or `null`.
    mutating func value(optional key: String) -> JSONValue? {
        known.insert(key)
        guard let value = members[key], value != .null else { return nil }
        return value
    }

    /// Whether the member is present at all (also as `null`).
    func has(_ key: String) -> Bool { members[key] != nil }

    /// The JSON pointer of a member.
    func pointer(_ key: String) -> String { prefix + "/" + Self.escape(key) }

    /// Records a problem with a member.
    mutating func fail(_ key: String, _ message: String) {
        fail(pointer: pointer(key), message)
    }

    /// Records a problem at a JSON pointer.
    mutating func fail(pointer: String, _ message: String) {
        errors.append(.init(path: pointer, message: message))
    }

    /// Records every member no reader asked for as unknown.
    mutating func collectUnknown() {
        for key in members.keys.sorted() where !known.contains(key) {
            errors.append(.init(path: pointer(key), message: "is not a known field"))
        }
        known.formUnion(members.keys)
    }

    /// JSON pointer escaping (RFC 6901).
    static func escape(_ key: String) -> String {
        guard key.utf8.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) else { return key }
        return key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }
}
