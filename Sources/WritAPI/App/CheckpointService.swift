import Logging
import ServiceLifecycle
import WritStore

/// Runs the audit checkpointer every few seconds until shutdown.
struct CheckpointService: Service {
    let checkpointer: AuditCheckpointer
    let logger: Logger
    var period: Duration = .seconds(5)

    func run() async throws {
        try await PeriodicService(name: "audit checkpoint", interval: period, logger: logger) {
            try await checkpointer.runOnce()
            return false
        }.run()
    }
}
