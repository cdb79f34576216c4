import ServiceLifecycle

/// On graceful shutdown, answers every open long-poll at once with the state it has, so the HTTP
/// server's drain does not wait out `?wait=` requests. It must shut down before the application
/// (``WritApplication/serve(configuration:logger:)`` lists it after it).
struct DrainService: Service {
    let waiters: IntentWaiters

    func run() async throws {
        try? await gracefulShutdown()
        waiters.drain()
    }
}
