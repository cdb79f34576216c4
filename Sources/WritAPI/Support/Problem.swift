import Foundation
import Hummingbird

/// An RFC 9457 problem detail: every error response Writ sends has this shape.
public struct Problem: Error, Sendable, Equatable, Encodable {
    /// One invalid input, located by JSON pointer.
    public struct FieldError: Sendable, Equatable, Encodable {
        /// JSON pointer into the request body, e.g. `/rules/2/tier`.
        public let path: String
        /// What is wrong, for a person.
        public let message: String

        public init(path: String, message: String) {
            self.path = path
            self.message = message
        }
    }

    /// A URI naming the kind of problem: `about:blank` for plain HTTP statuses, else `urn:writ:problem:…`.
    public let type: String
    /// A short summary of the kind of problem.
    public let title: String
    /// The HTTP status.
    public let status: Int
    /// What went wrong this time, for a person.
    public let detail: String
    /// Each invalid input, for validation problems.
    public let errors: [FieldError]?
    /// Seconds to wait before retrying (429/503), sent as `Retry-After`.
    public let retryAfter: Int?

    public init(
        status: HTTPResponse.Status, type: String? = nil, title: String? = nil, detail: String,
        errors: [FieldError]? = nil, retryAfter: Int? = nil
    ) {
        self.type = type.map { "urn:writ:problem:\($0)" } ?? "about:blank"
        self.title = title ?? status.reasonPhrase
        self.status = status.code
        self.detail = detail
        self.errors = errors
        self.retryAfter = retryAfter
    }

    /// Whether the body also carries Vienna OS's `error` (the detail) and `code` members, which
    /// its SDKs read (`/api/v1/…` routes only; RFC 9457 allows extension members).
    var viennaMembers = false

    private enum CodingKeys: String, CodingKey {
        case type, title, status, detail, errors, error, code
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(type, forKey: .type)
        try container.encode(title, forKey: .title)
        try container.encode(status, forKey: .status)
        try container.encode(detail, forKey: .detail)
        try container.encodeIfPresent(errors, forKey: .errors)
        if viennaMembers {
            try container.encode(detail, forKey: .error)
            try container.encode(code, forKey: .code)
        }
    }

    /// The kind of problem in Vienna OS's style: `INVALID_REQUEST`, `NOT_FOUND`, …
    var code: String {
        let name = type.hasPrefix("urn:writ:problem:") ? String(type.dropFirst("urn:writ:problem:".count)) : title
        return name.uppercased().map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined()
    }

    /// The problem as an `application/problem+json` response; with Vienna OS's members on its routes.
    public func response(vienna: Bool) -> Response {
        var problem = self
        problem.viennaMembers = vienna
        return problem.response()
    }

    /// The problem as an `application/problem+json` response.
    public func response() -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = (try? encoder.encode(self)) ?? Data(#"{"status":500,"title":"Internal Server Error"}"#.utf8)
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(
            status: HTTPResponse.Status(code: status), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The request body is not acceptable; `errors` lists every problem found.
    public static func invalid(_ detail: String, errors: [FieldError] = []) -> Problem {
        Problem(
            status: .unprocessableContent, type: "invalid-request", title: "Invalid request", detail: detail,
            errors: errors)
    }

    /// The resource does not exist for this caller (also what other tenants' ids look like).
    public static func notFound(_ detail: String = "No such resource.") -> Problem {
        Problem(status: .notFound, detail: detail)
    }
}
