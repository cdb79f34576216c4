import Foundation
import HTTPTypes
import Hummingbird
import WritCore
import WritCrypto
import WritStore

/// Vienna OS's intent routes: a submitted intent is a Writ intent (same id, same policy, same
/// warrant), read back and reported on in the SDKs' shapes.
struct ViennaIntentsController {
    let filing: IntentFiling
    let approvals: ApprovalStore
    let warrants: WarrantStore
    let simulator: ViennaSimulator

    /// Longest result summary Writ keeps; longer execution outputs are cut, not refused (the SDK
    /// itself sends up to 10,000 characters).
    static let maxSummary = 2000

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("/api/v1/intents", use: submit)
        router.get("/api/v1/intents/{id}", use: show)
        router.post("/api/v1/executions", use: reportExecution)
        router.post("/api/v1/agent/intent", use: submitToPipeline)
    }

    /// Vienna intents name no resource: `params.resource` when it is a name, else `unspecified`.
    static func resource(in params: JSONValue) -> String {
        if let name = params["resource"]?.stringValue, PolicyInputs.isSafeName(name) { return name }
        return "unspecified"
    }

    /// vienna-sdk `submit_intent`. Its retries resend the same bytes (the body carries a
    /// timestamp), so without an `Idempotency-Key` the body's SHA-256 is the key: a retry finds
    /// the first intent instead of filing a second.
    @Sendable func submit(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try ViennaCaller.agent(request, context: context)
        let explicitKey = try IntentsController.idempotencyKey(request)
        var (bytes, body) = try await ViennaBody.read(request, principal: .apiKey(caller.key), identity: filing.identity)
        let agentName = body.string("agent_id", maxLength: 256)
        _ = body.string(optional: "framework", maxLength: 100)
        let action = body.string("action", maxLength: 256)
        let params = body.value(optional: "params") ?? .object([:])
        let objective = body.readableText(optional: "objective")
        if let metadata = body.value(optional: "metadata"), metadata.objectValue == nil { body.fail("metadata", "must be an object") }
        _ = body.date(optional: "timestamp")
        IntentsController.check(action: action.unchecked, resource: nil, target: nil, params: params, on: &body)
        let valid = try body.finish()
        try caller.check(valid[agentName], field: "agent_id")
        let submission = try IntentSubmission(
            action: valid[action], resource: Self.resource(in: params), params: params, target: nil, justification: objective,
            idempotencyKey: explicitKey ?? "vienna-sdk:" + SHA256.hexHash(bytes))
        try IntentFiling.checkSize(submission)
        let (record, created) = try await filing.file(submission, key: caller.key, agentID: caller.agentID)
        let bearer = try filing.intents.bearerWarrant(of: record, for: caller.key)
        var response = JSONBody.response(ViennaJSON.sdkResult(record, bearer: bearer), status: created ? .created : .ok)
        if !created { response.headers[HTTPField.Name("Idempotent-Replayed")!] = "true" }
        return response
    }

    /// vienna-os `submit_intent` and `simulate`. Its body has no timestamp, so two identical bodies
    /// may be two intended actions: only an `Idempotency-Key` header makes a resend the same intent.
    @Sendable func submitToPipeline(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try ViennaCaller.agent(request, context: context)
        let idempotencyKey = try IntentsController.idempotencyKey(request)
        var body = try await ViennaBody.read(request, principal: .apiKey(caller.key), identity: filing.identity).body
        let agentName = body.string("agent_id", maxLength: 256)
        let actionName = body.string("action", maxLength: 256)
        let params = body.value(optional: "payload") ?? .object([:])
        let simulation = body.bool(optional: "simulation") ?? false
        IntentsController.check(action: actionName.unchecked, resource: nil, target: nil, params: params, paramsField: "payload", on: &body)
        let valid = try body.finish()
        try caller.check(valid[agentName], field: "agent_id")
        let action = try valid[actionName]
        let agent = try await caller.agent(identity: filing.identity)
        if simulation {
            return JSONBody.response(try await simulator.result(action: action, params: params, agent: agent, tenant: caller.key.tenantID))
        }
        let submission = IntentSubmission(
            action: action, resource: Self.resource(in: params), params: params, target: nil, justification: nil,
            idempotencyKey: idempotencyKey)
        try IntentFiling.checkSize(submission, field: "payload")
        let (record, created) = try await filing.file(submission, key: caller.key, agentID: caller.agentID)
        let bearer = try filing.intents.bearerWarrant(of: record, for: caller.key)
        return JSONBody.response(ViennaJSON.pipelineResult(record, bearer: bearer), status: created ? .created : .ok)
    }

    /// vienna-sdk `check_intent` (and its `wait_for_approval` polling): like `GET /v1/intents/{id}`,
    /// an agent's key sees only its own intents and only the submitting agent gets the warrant.
    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal(for: request)
        let record = try await filing.intents.intent(tenant: principal.tenantID, id: try RouteInput.id(context))
        var bearer: String?
        if case .apiKey(let key) = principal, !key.scopes.contains(.admin) {
            let caller = try ViennaCaller.agent(request, context: context)
            guard record.agentID == caller.agentID else { throw Problem.notFound() }
            bearer = try filing.intents.bearerWarrant(of: record, for: key)
        }
        return JSONBody.response(ViennaJSON.sdkResult(record, bearer: bearer))
    }

    /// vienna-sdk `report_execution`: the result of the intent the warrant was issued for.
    /// Reporting the same outcome again (a retry) answers as the first report did.
    @Sendable func reportExecution(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try ViennaCaller.agent(request, context: context)
        var body = try await ViennaBody.read(request, principal: .apiKey(caller.key), identity: filing.identity).body
        let warrantID = body.string("warrant_id", maxLength: 64)
        let agentName = body.string(optional: "agent_id", maxLength: 256)
        _ = body.string(optional: "framework", maxLength: 100)
        let success = body.bool(optional: "success") ?? true
        let output = body.secret(optional: "output", maxBytes: 64 * 1024)
        let error = body.secret(optional: "error", maxBytes: 64 * 1024)
        if let metrics = body.value(optional: "metrics"), metrics.objectValue == nil { body.fail("metrics", "must be an object") }
        _ = body.date(optional: "completed_at")
        let valid = try body.finish()
        let jti = try valid[warrantID]
        if let agentName { try caller.check(agentName, field: "agent_id") }
        let tenant = caller.key.tenantID
        guard let state = try await warrants.state(tenant: tenant, jti: jti),
            let record = try? await filing.intents.intent(tenant: tenant, id: state.intentID), record.agentID == caller.agentID
        else { throw Problem.notFound("No such warrant of this agent.") }
        let outcome: IntentStatus = success ? .executed : .failed
        if record.status != outcome {
            let summary = (success ? output : error ?? output).map { String($0.prefix(Self.maxSummary)) }
            _ = try await approvals.report(tenant: tenant, intent: record.id, agent: caller.agentID, executed: success, summary: summary)
            filing.waiters.wakeLocally(tenant: tenant, intent: record.id)
        }
        return JSONBody.response([
            "execution_id": IdentityJSON.id(record.id), "warrant_id": .string(jti), "verified": .bool(!state.revoked), "recorded": true,
        ])
    }
}
