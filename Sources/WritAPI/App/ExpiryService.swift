import Logging
import ServiceLifecycle
import WritStore

/// Expires overdue intents every second and wakes anyone waiting on them.
struct ExpiryService: Service {
    let expiry: IntentExpiry
    let waiters: IntentWaiters
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    for (tenant, intent) in try await expiry.runOnce() {
                        waiters.wakeLocally(tenant: tenant, intent: intent)
                    }
                } catch {
                    logger.warning("intent expiry pass failed", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }
}
