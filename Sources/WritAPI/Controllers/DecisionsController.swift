import Foundation
import Hummingbird
import Postgres
import WritCore
import WritStore

/// People decide T1/T2 intents; agents cancel theirs and report results.
struct DecisionsController {
    let approvals: ApprovalStore
    let intents: IntentStore
    let identity: IdentityStore
    let throttle: AuthThrottle
    let pool: ConnectionPool
    let waiters: IntentWaiters

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("/v1/intents/{id}/decisions", use: decide)
        router.post("/v1/intents/{id}/cancel", use: cancel)
        router.post("/v1/intents/{id}/result", use: result)
        router.get("/v1/approvals", use: queue)
    }

    /// `GET /v1/approvals?status=pending`: what the caller may decide now.
    @Sendable func queue(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser(for: request)
        if let status = request.uri.queryParameters["status"], status != "pending" {
            throw Problem.invalid("The query parameters are invalid.", errors: [.init(path: "status", message: "must be pending")])
        }
        let limit = try RouteInput.longListLimit(request)
        let items = try await approvals.queue(for: user, limit: limit)
        let decisions = try await intents.decisions(tenant: user.tenantID, intents: items.map(\.id))
        return JSONBody.response([
            "items": .array(items.map { IntentsController.json($0, bearer: nil, decisions: decisions[$0.id] ?? []) }), "next_cursor": .null,
        ])
    }

    @Sendable func decide(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser(for: request)
        let id = try RouteInput.id(context)
        var body = try await JSONRequest.read(request, context: context)
        let decision = body.string("decision", maxLength: 10)
        let comment = body.string("comment", required: false, maxLength: 2000)
        let code = body.string("totp", required: false, maxLength: 32)
        if let decision, decision != "approve", decision != "reject" { body.fail("decision", "must be approve or reject") }
        try body.finish()
        let decide = {
            try await approvals.decide(
                tenant: user.tenantID, intent: id, user: user, approve: decision == "approve", comment: comment, code: code, identity: identity)
        }
        let record = code == nil ? try await decide() : try await SecondFactor.throttled(user: user.userID, throttle: throttle, decide)
        await waiters.publishChange(tenant: user.tenantID, intent: id, pool: pool)
        return JSONBody.response(IntentsController.json(record, bearer: nil))
    }

    @Sendable func cancel(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (tenant, agent) = try Self.agentKey(context, request)
        let id = try RouteInput.id(context)
        let record = try await approvals.cancel(tenant: tenant, intent: id, agent: agent)
        await waiters.publishChange(tenant: tenant, intent: id, pool: pool)
        return JSONBody.response(IntentsController.json(record, bearer: nil))
    }

    @Sendable func result(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (tenant, agent) = try Self.agentKey(context, request)
        let id = try RouteInput.id(context)
        var body = try await JSONRequest.read(request, context: context)
        let status = body.string("status", maxLength: 10)
        let summary = body.string("summary", required: false, maxLength: 2000)
        if let status, status != "executed", status != "failed" { body.fail("status", "must be executed or failed") }
        try body.finish()
        let record = try await approvals.report(tenant: tenant, intent: id, agent: agent, executed: status == "executed", summary: summary)
        await waiters.publishChange(tenant: tenant, intent: id, pool: pool)
        return JSONBody.response(IntentsController.json(record, bearer: nil))
    }

    private static func agentKey(_ context: AppRequestContext, _ request: Request) throws -> (UUID, UUID) {
        guard case .apiKey(let key) = try context.requirePrincipal(for: request), key.scopes.contains(.intents), let agent = key.agentID else {
            throw Problem.forbidden("Use the submitting agent's API key (intents scope).")
        }
        return (key.tenantID, agent)
    }
}
