import Hummingbird
import WritStore

/// `/metrics` in the Prometheus text format.
struct MetricsController {
    let metrics: AppMetrics
    let database: Database

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.exposition(pool: database.pool.statistics))))
        }
    }
}
