import Foundation
import HTTPTypes
import Hummingbird
import WritCore
import WritStore

/// `GET /v1/events`: the tenant's audit events as server-sent events, live, as far as the
/// caller's role may see them (``EventStreamScope``). Each event's `id` is its sequence number in
/// the audit chain, so `Last-Event-ID` (or `?after=N`) resumes exactly after it, across
/// reconnects and nodes; without either the stream starts at the chain's head.
///
/// A stream re-checks its credential at every keep-alive and ends once it was revoked, expired or
/// its roles changed, and ends at once when the node shuts down; clients reconnect with
/// `Last-Event-ID` and lose nothing.
struct EventsController {
    let reader: AuditReader
    let hub: EventStreamHub
    let identity: IdentityStore
    let keyCache: APIKeyCache
    /// How often an idle stream sends a keep-alive comment and re-checks its credential.
    let heartbeat: Duration

    static let window: Int64 = 500

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/v1/events", use: stream)
    }

    @Sendable func stream(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal(for: request)
        guard let scope = EventStreamScope(principal: principal) else {
            throw Problem.forbidden("Follow events with a member's session, an admin key or an agent's intents key.")
        }
        let tenant = principal.tenantID
        let start = try Self.resumePosition(request)
        let head = try await reader.headSeq(tenant: tenant)
        if let start, start > head {
            // Ids are sequence numbers this server sent: one beyond the head was never issued.
            throw Problem.invalid(
                "The position to resume from is invalid.",
                errors: [.init(path: "Last-Event-ID", message: "is beyond the newest event (\(head))")])
        }
        let subscription = try subscribe(tenant: tenant, holder: principal.actor.id ?? "")
        // The slot is released as soon as the client goes, not at the next keep-alive.
        context.channel.closeFuture.whenComplete { [hub] _ in hub.unsubscribe(subscription) }
        let body = ResponseBody { [self] writer in
            defer { hub.unsubscribe(subscription) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { [heartbeat] in
                    while !Task.isCancelled {
                        try await Task.sleep(for: heartbeat)
                        subscription.continuation.yield(.heartbeat)
                    }
                }
                defer { group.cancelAll() }
                try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
                // Subscribed and watching before this first read: nothing committed in between is missed.
                try await reader.watch(tenant: tenant)
                var position = try await send(tenant: tenant, scope: scope, after: start ?? head, to: &writer)
                for await signal in subscription.signals {
                    if signal == .heartbeat {
                        guard try await currentScope(of: request) == scope else { break }
                        try await reader.watch(tenant: tenant)
                        try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                    }
                    position = try await send(tenant: tenant, scope: scope, after: position, to: &writer)
                }
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store", .xAccelBuffering: "no",
            ], body: body)
    }

    /// A slot for one more stream of `holder`, or the 429 (503 while shutting down) saying why not.
    private func subscribe(tenant: UUID, holder: String) throws -> EventStreamHub.Subscription {
        do { return try hub.subscribe(tenant: tenant, holder: holder) } catch {
            let detail =
                switch error {
                case .tenantFull: "This organisation has \(hub.perTenantLimit) event streams open on this server; close one or retry later."
                case .holderFull: "This credential has \(hub.perHolderLimit) event streams open on this server; close one or retry later."
                case .draining: "This server is shutting down; reconnect with Last-Event-ID."
                }
            if error == .draining {
                throw Problem(status: .serviceUnavailable, type: "shutting-down", title: "Shutting down", detail: detail, retryAfter: 1)
            }
            throw Problem(
                status: .tooManyRequests, type: "too-many-streams", title: "Too many event streams", detail: detail, retryAfter: 5)
        }
    }

    /// Writes every visible event after `position`; returns where the chain was read to.
    private func send(tenant: UUID, scope: EventStreamScope, after position: Int64, to writer: inout any ResponseBodyWriter) async throws
        -> Int64
    {
        var position = position
        while true {
            let (events, reached) = try await reader.stream(tenant: tenant, scope: scope, afterSeq: position, window: Self.window)
            if !events.isEmpty {
                var buffer = ByteBuffer()
                for event in events {
                    buffer.writeString("id: \(event.seq)\nevent: \(event.type.rawValue)\ndata: ")
                    buffer.writeBytes(event.line)
                    buffer.writeString("\n\n")
                }
                try await writer.write(buffer)
            }
            let more = reached - position >= Self.window
            position = reached
            if !more { return position }
        }
    }

    /// The scope the request's credential has now; `nil` once it no longer works.
    private func currentScope(of request: Request) async throws -> EventStreamScope? {
        if let authorization = request.headers[.authorization] {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, let token = APIKeyToken(parsing: String(parts[1])),
                let key = try await keyCache.authenticate(token)
            else { return nil }
            return EventStreamScope(principal: .apiKey(key))
        }
        guard let token = request.cookies[AuthenticationMiddleware.sessionCookie]?.value,
            let session = try await identity.authenticateSession(token: token, touch: false)
        else { return nil }
        return EventStreamScope(principal: .user(session.principal))
    }

    /// `Last-Event-ID` (what browsers send on reconnect) or `?after=N`: the last event seen.
    static func resumePosition(_ request: Request) throws -> Int64? {
        let text = request.headers[.lastEventID] ?? request.uri.queryParameters["after"].map(String.init)
        guard let text else { return nil }
        guard let seq = Int64(text.trimmingCharacters(in: .whitespaces)), seq >= 0 else {
            throw Problem.invalid(
                "The position to resume from is invalid.",
                errors: [.init(path: "Last-Event-ID", message: "must be the id of an event (a whole number ≥ 0)")])
        }
        return seq
    }
}

extension HTTPField.Name {
    /// Sent by an `EventSource` that reconnects: the id of the last event it received.
    static let lastEventID = HTTPField.Name("Last-Event-ID")!
    /// Tells a buffering proxy (nginx) to pass the stream through at once.
    static let xAccelBuffering = HTTPField.Name("X-Accel-Buffering")!
}
