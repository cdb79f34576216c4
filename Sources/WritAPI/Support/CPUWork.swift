import NIOCore
import NIOPosix
import Synchronization

/// CPU-heavy work (Argon2, policy simulation and backtest evaluation) on threads of its own, never
/// on an event loop or the Swift concurrency pool, and bounded: at most `running` jobs run and
/// `waiting` more queue; anything beyond is refused at once with 503 and `Retry-After`, so a flood
/// of expensive requests cannot starve the cheap ones (health checks, the intent hot path).
final class CPUWork: Sendable {
    /// What a lane is for, named in its refusal.
    let purpose: String
    private let limit: Int
    private let admitted = Mutex(0)

    /// Threads shared by every lane of the process: one per core.
    private static let threads: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: System.coreCount)
        pool.start()
        return pool
    }()

    /// A lane admitting `running` jobs at a time (default: one per core) plus `waiting` queued ones.
    init(purpose: String, running: Int = System.coreCount, waiting: Int? = nil) {
        self.purpose = purpose
        self.limit = running + (waiting ?? 2 * running)
    }

    /// Runs `work` on a CPU thread, or throws a 503 problem when the lane is full.
    func run<Result: Sendable>(_ work: @escaping @Sendable () throws -> Result) async throws -> Result {
        let entered = admitted.withLock { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
        guard entered else {
            throw Problem(
                status: .serviceUnavailable, type: "busy", title: "Server busy",
                detail: "Too many \(purpose) requests are in progress; try again shortly.", retryAfter: 1)
        }
        defer { admitted.withLock { $0 -= 1 } }
        try Task.checkCancellation()
        return try await Self.threads.runIfActive(work)
    }

    /// Jobs admitted and not yet finished.
    var inProgress: Int { admitted.withLock { $0 } }
}
