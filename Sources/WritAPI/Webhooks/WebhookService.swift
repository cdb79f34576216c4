import Foundation
import Logging
import ServiceLifecycle
import WritCore
import WritStore

/// The webhook dispatcher on every node: turns newly committed events into deliveries, claims
/// due ones (each attempt on one node only), sends them side by side and records every attempt.
struct WebhookService: Service {
    let fanOut: WebhookFanOut
    let dispatch: WebhookDispatch
    let sender: WebhookSender
    let schedule: WebhookRetrySchedule
    let disableAfter: TimeInterval
    let interval: Duration
    let logger: Logger
    /// Attempts in flight at once per node.
    static let concurrency = 16

    func run() async throws {
        // While there is work, passes follow each other at once.
        try await PeriodicService(name: "webhook dispatch", interval: interval, logger: logger) {
            let fannedOut = try await fanOut.run() > 0
            return try await deliverDue() || fannedOut
        }.run()
    }

    /// Sends what is due; whether there was anything.
    private func deliverDue() async throws -> Bool {
        let claimed = try await dispatch.claim(limit: Self.concurrency)
        await withTaskGroup(of: Void.self) { group in
            for delivery in claimed {
                group.addTask {
                    let outcome = await sender.send(delivery)
                    do {
                        try await dispatch.record(delivery, outcome: outcome, schedule: schedule, disableAfter: disableAfter)
                    } catch {
                        // The lease runs out and another pass attempts it again: at least once.
                        logger.warning("could not record a webhook attempt", metadata: ["delivery": "\(delivery.id)", "error": "\(error)"])
                    }
                }
            }
        }
        return !claimed.isEmpty
    }
}
