import Logging
import ServiceLifecycle
import WritStore

/// Purges audit event bodies past their plan's retention, every `period` until shutdown; a
/// backlog is worked off in batches, one after another, before it sleeps again.
struct RetentionService: Service {
    let retention: AuditRetention
    let logger: Logger
    var period: Duration = .seconds(3600)

    func run() async throws {
        // A backlog is worked off pass after pass (each purges at most one batch per tenant).
        try await PeriodicService(name: "audit retention", interval: period, jitter: 0.1, logger: logger) {
            let purges = try await retention.runOnce()
            for purge in purges {
                logger.notice(
                    "audit events purged past retention",
                    metadata: [
                        "tenant": "\(purge.tenant)", "from_seq": "\(purge.fromSeq)", "before_seq": "\(purge.beforeSeq)",
                    ])
            }
            return !purges.isEmpty
        }.run()
    }
}
