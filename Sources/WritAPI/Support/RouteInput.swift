import Foundation
import Hummingbird
import WritCrypto
import WritStore

/// Path and query inputs, validated into problems.
enum RouteInput {
    /// The UUID in path parameter `name`; anything else is a 404 (it names no resource).
    static func id(_ context: AppRequestContext, _ name: String = "id") throws -> UUID {
        guard let text = context.parameters.get(name), let id = UUID(uuidString: text) else { throw Problem.notFound() }
        return id
    }

    /// `?cursor=…&limit=…` (limit 1…100, default 50).
    static func page(_ request: Request) throws -> PageRequest {
        var errors: [Problem.FieldError] = []
        var limit = 50
        if let text = request.uri.queryParameters["limit"] {
            if let value = Int(String(text)), (1...100).contains(value) {
                limit = value
            } else {
                errors.append(.init(path: "limit", message: "must be a whole number from 1 to 100"))
            }
        }
        var after: UUID?
        if let cursor = request.uri.queryParameters["cursor"] {
            after = PageRequest.id(fromCursor: String(cursor))
            if after == nil { errors.append(.init(path: "cursor", message: "is not a cursor this server issued")) }
        }
        guard errors.isEmpty else { throw Problem.invalid("The query parameters are invalid.", errors: errors) }
        return PageRequest(after: after, limit: limit)
    }

    /// `?limit=` for long lists (audit events, versions, the approval queue): 1…1000, default 100.
    static func longListLimit(_ request: Request) throws -> Int {
        guard let text = request.uri.queryParameters["limit"] else { return 100 }
        guard let limit = Int(String(text)), (1...1000).contains(limit) else {
            throw Problem.invalid("The query parameters are invalid.", errors: [.init(path: "limit", message: "must be from 1 to 1000")])
        }
        return limit
    }

    /// The position in a `?cursor=` this server issued with ``cursor(for:)``; `nil` without one.
    /// Positions above `max` (the column's range) are not ones this server issued.
    static func numericCursor(_ request: Request, max: Int64 = .max) throws -> Int64? {
        guard let text = request.uri.queryParameters["cursor"] else { return nil }
        guard let bytes = Base64URL.decode(String(text)), let value = Int64(String(decoding: bytes, as: UTF8.self)), value >= 0,
            value <= max
        else {
            throw Problem.invalid(
                "The query parameters are invalid.", errors: [.init(path: "cursor", message: "is not a cursor this server issued")])
        }
        return value
    }

    /// An opaque cursor for a position (a seq or a version number).
    static func cursor(for position: Int64) -> String {
        Base64URL.encode(Array(String(position).utf8))
    }
}
