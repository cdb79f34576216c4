import Foundation
import Hummingbird
import HummingbirdTesting
import WritTestSupport

/// A local webhook receiver for tests: records every request and answers with the statuses it is
/// told to (then 204 once they run out).
actor WebhookReceiver {
    struct Received: Sendable {
        let headers: [String: String]
        let body: String
    }

    private(set) var received: [Received] = []
    private var statuses: [Int]

    init(failFirst count: Int = 0, with status: Int = 503) {
        statuses = Array(repeating: status, count: count)
    }

    func record(_ request: Received) -> Int {
        received.append(request)
        return statuses.isEmpty ? 204 : statuses.removeFirst()
    }

    /// Answers 204 to everything from now on.
    func succeedFromNow() { statuses = [] }

    /// The requests once at least `count` have arrived (or what arrived within `seconds`).
    func waitFor(_ count: Int, seconds: Double = 20) async throws -> [Received] {
        _ = try await eventually(timeout: .milliseconds(Int(seconds * 1000))) { received.count >= count }
        return received
    }

    /// Runs `body` with the URL of a live receiver that hands every request to `receiver`.
    static func serve(_ receiver: WebhookReceiver, _ body: @escaping @Sendable (String) async throws -> Void) async throws {
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let status = await receiver.record(Received(headers: headers, body: String(buffer: bytes)))
            return Response(status: .init(code: status))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in try await body("http://127.0.0.1:\(client.port!)/hook") }
    }
}
