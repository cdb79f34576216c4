import Hummingbird
import Synchronization

/// Bounds how long a request may take to produce its response: past the bound the request's task
/// is cancelled and the client gets 503 with `Retry-After`, so no request holds a connection and a
/// task indefinitely. Long-polls (`?wait=N`, at most 60 s) get their wait on top of the bound.
///
/// Work on other threads stops at its own bounds: database statements at `statement_timeout`,
/// CPU jobs are short and admitted only while their lane has room.
struct RequestTimeoutMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The bound for an ordinary request.
    let bound: Duration

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var limit = bound
        if let wait = request.uri.queryParameters["wait"].flatMap({ Int(String($0)) }), (1...60).contains(wait) {
            limit += .seconds(wait)
        }
        let timedOut = TimeoutFlag()
        let handle = withUnsafeCurrentTask { TaskHandle(task: $0) }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { [limit] in
                try await Task.sleep(for: limit)
                timedOut.set()
                handle.task?.cancel()
            }
            // The clock is cancelled and awaited before this scope ends, so it never touches the
            // request's task after the request is done.
            defer { group.cancelAll() }
            do {
                return try await next(request, context)
            } catch  where timedOut.isSet {
                throw Problem(
                    status: .serviceUnavailable, type: "request-timeout", title: "Request took too long",
                    detail: "The request did not finish within its time limit; try again.", retryAfter: 1)
            }
        }
    }
}

/// Whether the clock fired.
private final class TimeoutFlag: Sendable {
    private let fired = Mutex(false)

    func set() { fired.withLock { $0 = true } }
    var isSet: Bool { fired.withLock { $0 } }
}

/// The request's task, handed to the clock that may cancel it.
///
/// `@unchecked Sendable`: cancelling a task is safe from any thread; the handle is only used
/// while the task it names is still running (the clock is awaited before the request returns).
private struct TaskHandle: @unchecked Sendable {
    let task: UnsafeCurrentTask?
}
