import ServiceLifecycle
import WritStore

/// Keeps the connection pool open while the server runs and closes it after the server has drained.
struct DatabaseService: Service {
    let database: Database

    func run() async throws {
        // Wait for SIGTERM/SIGINT; the service group stops the HTTP server (listed later) first.
        try? await gracefulShutdown()
        await database.close()
    }
}
