import HTTPTypes
import Hummingbird

/// Behind a load balancer every peer is the balancer: when the operator says the proxy in front
/// is trusted (`WRIT_TRUST_PROXY=true`), the client address used for throttling is the last
/// address of `X-Forwarded-For` (the one that proxy appended), in the one spelling of
/// ``ClientAddress`` (a port dropped, an IPv6 address counted by its /64). Never enable it without such a
/// proxy, or clients could choose their own address.
struct ForwardedClientMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.xForwardedFor], let last = header.split(separator: ",").last,
            let address = ClientAddress.key(String(last))
        else { return try await next(request, context) }
        var context = context
        context.remoteAddress = address
        return try await next(request, context)
    }
}

extension HTTPField.Name {
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
}
