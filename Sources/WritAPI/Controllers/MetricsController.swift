import Hummingbird
import WritCrypto
import WritStore

/// `/metrics` in the Prometheus text format, for scrapers that send `Authorization: Bearer` with
/// the configured `WRIT_METRICS_TOKEN`. Without a configured token the route does not exist, so
/// nothing about the server's load is public by default.
struct MetricsController {
    let metrics: AppMetrics
    let database: Database
    let waiters: IntentWaiters
    /// The scraper's token; `nil` turns the route off.
    let token: String?

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/metrics") { request, _ in
            guard let token else { throw Problem.notFound() }
            let presented = request.headers[.authorization].flatMap { value -> String? in
                let parts = value.split(separator: " ", maxSplits: 1)
                return parts.count == 2 && parts[0].lowercased() == "bearer" ? String(parts[1]) : nil
            }
            guard let presented, ConstantTime.equals(SHA256.hash(Array(presented.utf8)), SHA256.hash(Array(token.utf8))) else {
                var problem = Problem(
                    status: .unauthorized, type: "metrics-token", title: "Authentication required",
                    detail: "Send the metrics token as `Authorization: Bearer …`."
                ).response()
                problem.headers[.wwwAuthenticate] = "Bearer"
                return problem
            }
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.exposition(pool: database.usage, longPolls: waiters.count))))
        }
    }
}
