import Foundation
import Hummingbird
import WritCore
import WritCrypto
import WritStore

/// People decide T1/T2 intents; agents cancel theirs and report results.
struct DecisionsController {
    let approvals: ApprovalStore
    let intents: IntentStore
    let identity: IdentityStore
    let throttle: AuthThrottle
    let waiters: IntentWaiters

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("/v1/intents/{id}/decisions", use: decide)
        router.post("/v1/intents/{id}/cancel", use: cancel)
        router.post("/v1/intents/{id}/result", use: result)
        router.get("/v1/approvals", use: queue)
    }

    /// `GET /v1/approvals?status=pending`: what the caller may decide now. With `wait=N` (≤ 60 s)
    /// and the `version` of the queue the caller holds, it answers as soon as the queue differs.
    @Sendable func queue(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser(for: request)
        let query = request.uri.queryParameters
        var errors: [Problem.FieldError] = []
        if let status = query["status"], status != "pending" { errors.append(.init(path: "status", message: "must be pending")) }
        var wait = 0
        if let text = query["wait"] {
            if let seconds = Int(String(text)), (0...60).contains(seconds) {
                wait = seconds
            } else {
                errors.append(.init(path: "wait", message: "must be 0 to 60 seconds"))
            }
        }
        guard errors.isEmpty else { throw Problem.invalid("The query parameters are invalid.", errors: errors) }
        let limit = try RouteInput.longListLimit(request)
        let known = query["version"].map(String.init)
        var (items, decisions) = try await pending(for: user, limit: limit)
        if wait > 0, let known, known == Self.version(items, decisions) {
            try await waiters.wait(for: user.tenantID, timeout: .seconds(wait)) {
                (items, decisions) = try await pending(for: user, limit: limit)
                return Self.version(items, decisions) != known
            }
            (items, decisions) = try await pending(for: user, limit: limit)
        }
        return JSONBody.response([
            "items": .array(items.map { IntentsController.json($0, bearer: nil, decisions: decisions[$0.id] ?? []) }), "next_cursor": .null,
            "version": .string(Self.version(items, decisions)),
        ])
    }

    private func pending(for user: UserPrincipal, limit: Int) async throws -> ([IntentRecord], [UUID: [IntentDecisionEntry]]) {
        let items = try await approvals.queue(for: user, limit: limit)
        return (items, try await intents.decisions(tenant: user.tenantID, intents: items.map(\.id)))
    }

    /// An opaque fingerprint of the queue: the intents in it and how many decisions each has.
    private static func version(_ items: [IntentRecord], _ decisions: [UUID: [IntentDecisionEntry]]) -> String {
        let text = items.map { "\($0.id.uuidString):\(decisions[$0.id]?.count ?? 0)" }.joined(separator: ",")
        return Base64URL.encode(Array(SHA256.hash(Array(text.utf8)).prefix(12)))
    }

    @Sendable func decide(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser(for: request)
        let id = try RouteInput.id(context)
        var body = try await JSONRequest.read(request, context: context)
        let decisionText = body.string("decision", maxLength: 10)
        let comment = body.readableText(optional: "comment")
        let code = body.string(optional: "totp", maxLength: 32)
        let decision = body.decision("decision", from: decisionText)
        let valid = try body.finish()
        let choice = try valid[decision]
        let decide = {
            try await approvals.decide(
                tenant: user.tenantID, intent: id, user: user, decision: choice, comment: comment, code: code, identity: identity)
        }
        let record = code == nil ? try await decide() : try await SecondFactor.throttled(user: user.userID, throttle: throttle, decide)
        waiters.wakeLocally(tenant: user.tenantID, intent: id)
        return JSONBody.response(IntentsController.json(record, bearer: nil))
    }

    @Sendable func cancel(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (tenant, agent) = try Self.agentKey(context, request)
        let id = try RouteInput.id(context)
        let record = try await approvals.cancel(tenant: tenant, intent: id, agent: agent)
        waiters.wakeLocally(tenant: tenant, intent: id)
        return JSONBody.response(IntentsController.json(record, bearer: nil))
    }

    @Sendable func result(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (tenant, agent) = try Self.agentKey(context, request)
        let id = try RouteInput.id(context)
        var body = try await JSONRequest.read(request, context: context)
        let status = body.string("status", maxLength: 10)
        let summary = body.string(optional: "summary", maxLength: 2000)
        if let status = status.unchecked, status != "executed", status != "failed" { body.fail("status", "must be executed or failed") }
        let valid = try body.finish()
        let record = try await approvals.report(
            tenant: tenant, intent: id, agent: agent, executed: valid[status] == "executed", summary: summary)
        waiters.wakeLocally(tenant: tenant, intent: id)
        return JSONBody.response(IntentsController.json(record, bearer: nil))
    }

    private static func agentKey(_ context: AppRequestContext, _ request: Request) throws -> (UUID, UUID) {
        guard case .apiKey(let key) = try context.requirePrincipal(for: request), key.scopes.contains(.intents), let agent = key.agentID
        else {
            throw Problem.forbidden("Use the submitting agent's API key (intents scope).")
        }
        return (key.tenantID, agent)
    }
}

extension JSONRequest {
    /// An approval decision, `approve` or `reject`, from the text read for `key`: checked after the
    /// members read since, where the refusal has always been reported.
    mutating func decision(_ key: String, from text: Required<String>) -> Required<ApprovalDecision> {
        let decision = text.unchecked.flatMap(ApprovalDecision.init(rawValue:))
        if text.unchecked != nil, decision == nil { fail(key, "must be approve or reject") }
        return require(key, decision)
    }
}
