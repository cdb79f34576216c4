import HTTPTypes
import Hummingbird

/// Behind a load balancer every peer is the balancer: when the operator says the proxy in front
/// is trusted (`WRIT_TRUST_PROXY=true`), the client address used for throttling is the last
/// address of `X-Forwarded-For` (the one that proxy appended). Never enable it without such a
/// proxy, or clients could choose their own address.
struct ForwardedClientMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.xForwardedFor],
              let last = header.split(separator: ",").last?.trimmingCharacters(in: .whitespaces),
              Self.isAddress(last)
        else { return try await next(request, context) }
        var context = context
        context.remoteAddress = last
        return try await next(request, context)
    }

    /// Whether `text` looks like an IPv4 or IPv6 address (digits, hex, dots and colons only).
    static func isAddress(_ text: String) -> Bool {
        (2...45).contains(text.count) && text.unicodeScalars.allSatisfy { $0.properties.isASCIIHexDigit || $0 == "." || $0 == ":" }
    }
}

extension HTTPField.Name {
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
}
