import Foundation
import Hummingbird

/// Serves the console pages that mailed links point at without their `.html` (`/approve#…`,
/// `/invite#…`), read once from the static directory.
struct PageAliasMiddleware<Context: RequestContext>: RouterMiddleware {
    private let pages: [String: ByteBuffer]

    /// - Parameter aliases: request path → file in `directory`, e.g. `/approve` → `approve.html`.
    init(directory: String, aliases: [String: String]) {
        var pages: [String: ByteBuffer] = [:]
        for (path, file) in aliases {
            if let data = FileManager.default.contents(atPath: URL(fileURLWithPath: directory).appendingPathComponent(file).path) {
                pages[path] = ByteBuffer(bytes: data)
            }
        }
        self.pages = pages
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get || request.method == .head, let page = pages[request.uri.path] else {
            return try await next(request, context)
        }
        return Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: page))
    }
}
