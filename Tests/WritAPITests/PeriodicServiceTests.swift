import Logging
import ServiceLifecycle
import Synchronization
import Testing
@testable import WritAPI

/// The one loop of the background services (checkpoints, expiry, retention, mail, webhooks).
@Suite("Periodic services", .timeLimit(.minutes(1)))
struct PeriodicServiceTests {
    /// Counts passes; the first `failures` throw, the first `busy` (after them) report more work.
    final class Passes: Sendable {
        let count = Mutex(0)
        let failures: Int
        let busy: Int
        init(failures: Int = 0, busy: Int = 0) {
            self.failures = failures
            self.busy = busy
        }

        func pass() throws -> Bool {
            let number = count.withLock { count in
                count += 1
                return count
            }
            struct Failed: Error {}
            if number <= failures { throw Failed() }
            return number <= failures + busy
        }
    }

    /// Runs `service` in a service group for `duration`, then shuts the group down gracefully;
    /// returns how long the shutdown took.
    static func run(_ service: PeriodicService, for duration: Duration) async throws -> Duration {
        let group = ServiceGroup(configuration: .init(services: [service], logger: Logger(label: "test")))
        let running = Task { try await group.run() }
        try await Task.sleep(for: duration)
        let started = ContinuousClock.now
        await group.triggerGracefulShutdown()
        try await running.value
        return ContinuousClock.now - started
    }

    @Test("a pass runs every interval, a failing pass does not stop the loop, and shutdown ends it at once")
    func interval() async throws {
        let passes = Passes(failures: 2)
        let service = PeriodicService(name: "test", interval: .milliseconds(50), logger: Logger(label: "test")) { try passes.pass() }
        let shutdown = try await Self.run(service, for: .milliseconds(600))
        let count = passes.count.withLock { $0 }
        #expect((5...14).contains(count), "\(count) passes in 600 ms at 50 ms")
        #expect(shutdown < .milliseconds(500), "shutdown took \(shutdown)")
    }

    @Test("a pass that reports more work runs again at once, without waiting for the interval")
    func moreWork() async throws {
        let passes = Passes(busy: 20)
        let service = PeriodicService(name: "test", interval: .seconds(30), logger: Logger(label: "test")) { try passes.pass() }
        _ = try await Self.run(service, for: .milliseconds(300))
        // 20 busy passes back to back, then the one that found nothing, then the 30 s rest.
        #expect(passes.count.withLock { $0 } == 21)
    }

    @Test("jitter keeps the delay within its fraction of the interval")
    func jitter() {
        let service = PeriodicService(name: "test", interval: .seconds(10), jitter: 0.1, logger: Logger(label: "test")) { false }
        for _ in 0..<200 {
            let delay = service.delay()
            #expect(delay >= .seconds(9) && delay <= .seconds(11), "\(delay)")
        }
        #expect(PeriodicService(name: "test", interval: .seconds(10), logger: Logger(label: "test")) { false }.delay() == .seconds(10))
    }
}
