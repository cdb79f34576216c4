import Logging
import ServiceLifecycle
import WritStore

/// Expires overdue intents every second and wakes anyone waiting on them.
struct ExpiryService: Service {
    let expiry: IntentExpiry
    let waiters: IntentWaiters
    let logger: Logger

    func run() async throws {
        try await PeriodicService(name: "intent expiry", interval: .seconds(1), logger: logger) {
            for (tenant, intent) in try await expiry.runOnce() { waiters.wakeLocally(tenant: tenant, intent: intent) }
            return false
        }.run()
    }
}
