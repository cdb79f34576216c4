import Logging
import ServiceLifecycle

/// A background pass run every `interval` on every node until graceful shutdown — the one loop the
/// checkpoint, expiry, retention, mail and webhook services share.
///
/// A pass that reports more work (`true`) runs again at once; a pass that fails is logged and the
/// loop goes on. `jitter` (a fraction of the interval, 0 to 1) spreads the nodes' passes apart. The
/// passes lock what they need themselves (`SKIP LOCKED` claims, advisory locks per tenant, leases),
/// so any number of nodes may run them.
struct PeriodicService: Service {
    let name: String
    let interval: Duration
    var jitter: Double = 0
    let logger: Logger
    let pass: @Sendable () async throws -> Bool

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                var more = false
                do {
                    more = try await pass()
                } catch is CancellationError {
                    return
                } catch {
                    logger.warning("\(name) pass failed", metadata: ["error": "\(error)"])
                }
                if !more { try? await Task.sleep(for: delay()) }
            }
        }
    }

    /// The interval, moved by up to ± `jitter` of itself.
    func delay() -> Duration {
        guard jitter > 0 else { return interval }
        return interval * (1 + Double.random(in: -min(jitter, 1)...min(jitter, 1)))
    }
}
