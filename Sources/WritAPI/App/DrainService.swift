import ServiceLifecycle

/// On graceful shutdown, answers every open long-poll at once with the state it has and ends every
/// event stream, so the HTTP server's drain does not wait out `?wait=` requests or `/v1/events`. It must shut down before the application
/// (``WritApplication/serve(configuration:logger:)`` lists it after it).
struct DrainService: Service {
    let waiters: IntentWaiters
    let eventStreams: EventStreamHub

    func run() async throws {
        try? await gracefulShutdown()
        waiters.drain()
        eventStreams.drain()
    }
}
