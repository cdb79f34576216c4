import Foundation
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing
import WritTestSupport

@testable import WritAPI

@Suite("CPU-heavy work is bounded and time-limited", .timeLimit(.minutes(1)))
struct CPUWorkTests {
    /// Lets a blocked job go.
    final class Gate: Sendable {
        private let open = Mutex(false)
        func release() { open.withLock { $0 = true } }
        var isOpen: Bool { open.withLock { $0 } }
    }

    @Test("a full lane refuses at once with 503 and Retry-After instead of queueing")
    func fullLaneRefuses() async throws {
        let lane = CPUWork(purpose: "test", running: 1, waiting: 0)
        let gate = Gate()
        let running = Task {
            try await lane.run {
                while !gate.isOpen { usleep(1000) }
                return 1
            }
        }
        #expect(try await eventually(every: .milliseconds(5)) { lane.inProgress == 1 })
        do {
            _ = try await lane.run { 2 }
            Issue.record("a second job was admitted to a full lane")
        } catch let problem as Problem {
            #expect(problem.status == 503)
            #expect(problem.retryAfter == 1)
        }
        gate.release()
        #expect(try await running.value == 1)
        #expect(try await lane.run { 3 } == 3)
    }

    @Test("a request that outlives its bound is cancelled and answered 503")
    func requestTimeout() async throws {
        let router = Router()
        router.add(middleware: ProblemMiddleware())
        router.add(middleware: RequestTimeoutMiddleware(bound: .milliseconds(300)))
        router.get("/slow") { _, _ -> String in
            try await Task.sleep(for: .seconds(30))
            return "late"
        }
        router.get("/fast") { _, _ -> String in "on time" }
        let app = Application(router: router)
        try await app.test(.router) { client in
            try await client.execute(uri: "/slow", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(String(buffer: response.body).contains("request-timeout"))
            }
            try await client.execute(uri: "/fast", method: .get) { response in
                #expect(String(buffer: response.body) == "on time")
            }
        }
    }
}
