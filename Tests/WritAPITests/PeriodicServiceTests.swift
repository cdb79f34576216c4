import Logging
import ServiceLifecycle
import Synchronization
import Testing
import WritTestSupport

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

    /// Runs `service` in a service group until `done` holds (waiting at most 30 s), then shuts the
    /// group down gracefully; returns whether `done` held, and how long the shutdown took.
    static func run(_ service: PeriodicService, until done: @escaping @Sendable () -> Bool) async throws -> (
        reached: Bool, shutdown: Duration
    ) {
        let group = ServiceGroup(configuration: .init(services: [service], logger: Logger(label: "test")))
        let running = Task { try await group.run() }
        let reached = try await eventually(timeout: .seconds(30), every: .milliseconds(10)) { done() }
        let started = ContinuousClock.now
        await group.triggerGracefulShutdown()
        try await running.value
        return (reached, ContinuousClock.now - started)
    }

    @Test("passes go on after failing ones, and a graceful shutdown ends the loop while it rests")
    func failuresAndShutdown() async throws {
        let passes = Passes(failures: 2)
        let service = PeriodicService(name: "test", interval: .milliseconds(20), logger: Logger(label: "test")) { try passes.pass() }
        let (reached, shutdown) = try await Self.run(service) { passes.count.withLock { $0 } >= 5 }
        #expect(reached, "the loop stopped after \(passes.count.withLock { $0 }) passes")
        #expect(shutdown < .seconds(5), "shutdown took \(shutdown)")
    }

    @Test("a pass that reports more work runs again at once; the rest after it is the interval")
    func moreWork() async throws {
        let passes = Passes(busy: 20)
        // An hour's interval: only passes that follow one another at once can reach 21.
        let service = PeriodicService(name: "test", interval: .seconds(3600), logger: Logger(label: "test")) { try passes.pass() }
        let (reached, shutdown) = try await Self.run(service) { passes.count.withLock { $0 } >= 21 }
        #expect(reached && passes.count.withLock { $0 } == 21, "\(passes.count.withLock { $0 }) passes")
        #expect(shutdown < .seconds(5), "the hour's rest held up the shutdown: \(shutdown)")
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
