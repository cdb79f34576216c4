import Logging
import ServiceLifecycle
import WritStore

/// Runs the audit checkpointer every few seconds until shutdown.
struct CheckpointService: Service {
    let checkpointer: AuditCheckpointer
    let logger: Logger
    var period: Duration = .seconds(5)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await checkpointer.runOnce()
                } catch {
                    logger.warning("audit checkpoint pass failed", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: period)
            }
        }
    }
}
