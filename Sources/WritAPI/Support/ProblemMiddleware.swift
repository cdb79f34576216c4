import Hummingbird
import Logging
import WritStore

/// Turns every thrown error into an RFC 9457 response, so no error ever reaches a client raw.
///
/// Unexpected errors are logged with the request id and answered with a generic 500 that reveals
/// nothing of their content (which may hold SQL or identifiers).
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return Self.problem(for: error, context: context).response(vienna: request.uri.path.hasPrefix(ViennaRoutes.prefix))
        }
    }

    private static func problem(for error: any Error, context: Context) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let error as StoreError where error.kind == .corrupt:
            context.logger.error("stored value does not parse", metadata: ["error": "\(error.message)"])
            return Problem(status: .internalServerError, detail: "The server could not complete the request; it has been logged.")
        case let error as StoreError:
            return Self.problem(for: error)
        case let error as HTTPError:
            return Self.problem(for: error)
        case is CancellationError:
            // The client went away (or the request ran out of time): nothing to log as a fault.
            return Problem(
                status: .serviceUnavailable, type: "cancelled", title: "Request cancelled",
                detail: "The request was cancelled before it finished.", retryAfter: 1)
        case let error as any HTTPResponseError:
            return Problem(status: error.status, detail: error.status.reasonPhrase)
        case let error where DatabaseFailure.isUnavailable(error):
            // The database is overloaded or away: a retryable condition, not a fault of the request.
            context.logger.warning("database unavailable", metadata: ["sqlstate": "\(DatabaseFailure.sqlState(error) ?? "none")"])
            return Problem(
                status: .serviceUnavailable, type: "database-unavailable", title: "Database unavailable",
                detail: "The database did not answer in time; try again shortly.", retryAfter: 1)
        case let error where DatabaseFailure.isUnstorableCharacter(error):
            return Problem(
                status: .unprocessableContent, type: "invalid-request", title: "Invalid request",
                detail: "The request holds a character that cannot be stored (a NUL, \\u0000).")
        default:
            var metadata: Logger.Metadata = ["error": "\(String(reflecting: type(of: error)))"]
            if let sqlState = DatabaseFailure.sqlState(error) { metadata["sqlstate"] = "\(sqlState)" }
            context.logger.error("unhandled error", metadata: metadata)
            context.logger.debug("unhandled error detail", metadata: ["error": "\(error)"])
            return Problem(
                status: .internalServerError, detail: "The server could not complete the request; it has been logged."
            )
        }
    }

    private static func problem(for error: StoreError) -> Problem {
        switch error.kind {
        case .notFound: .notFound(error.message)
        case .conflict: Problem(status: .conflict, type: "conflict", title: "Conflict", detail: error.message)
        case .invalid: .invalid(error.message)
        case .forbidden: .forbidden(error.message)
        case .unauthorized: Problem(status: .unauthorized, type: "invalid-credentials", title: "Invalid credentials", detail: error.message)
        case .corrupt: Problem(status: .internalServerError, detail: "The server could not complete the request; it has been logged.")
        case .loginTaken: Problem(status: .conflict, type: "conflict", title: "Conflict", detail: error.message)
        case .idempotencyMismatch:
            Problem(status: .unprocessableContent, type: "idempotency-key-reused", title: "Idempotency key reused", detail: error.message)
        case .quotaExceeded:
            Problem(
                status: HTTPResponse.Status(code: 402, reasonPhrase: "Payment Required"), type: "quota-exceeded:\(error.quota ?? "plan")",
                title: "Plan quota exceeded",
                detail: error.message)
        }
    }

    private static func problem(for error: HTTPError) -> Problem {
        switch error.status {
        case .notFound: .notFound()
        case .methodNotAllowed: Problem(status: .methodNotAllowed, detail: "This route does not accept that method.")
        case .contentTooLarge: Problem(status: .contentTooLarge, detail: error.body ?? "The request body is too large.")
        default: Problem(status: error.status, detail: error.body ?? error.status.reasonPhrase)
        }
    }
}
