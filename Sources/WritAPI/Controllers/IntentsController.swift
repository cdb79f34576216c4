import Foundation
import HTTPTypes
import Hummingbird
import WritCore
import WritStore

/// Agents submit intents and follow them.
struct IntentsController {
    let filing: IntentFiling
    var intents: IntentStore { filing.intents }
    var waiters: IntentWaiters { filing.waiters }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("/v1/intents", use: submit)
        router.get("/v1/intents", use: list)
        router.get("/v1/intents/{id}", use: show)
    }

    @Sendable func submit(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard case .apiKey(let key) = try context.requirePrincipal(for: request), key.scopes.contains(.intents), let agentID = key.agentID
        else {
            throw Problem.forbidden("Submit intents with an agent's API key that has the intents scope.")
        }
        let idempotencyKey = try Self.idempotencyKey(request)
        var body = try await JSONRequest.read(request, context: context)
        let action = body.string("action", maxLength: 256)
        let resource = body.string("resource", maxLength: 256)
        let params = body.value(optional: "params") ?? .object([:])
        let target = body.string(optional: "target", maxLength: 256)
        let justification = body.readableText(optional: "justification")
        Self.check(action: action.unchecked, resource: resource.unchecked, target: target, params: params, on: &body)
        let valid = try body.finish()
        let submission = try IntentSubmission(
            action: valid[action], resource: valid[resource], params: params, target: target, justification: justification,
            idempotencyKey: idempotencyKey)
        try IntentFiling.checkSize(submission)
        let (record, created) = try await filing.file(submission, key: key, agentID: agentID)
        var response = JSONBody.response(Self.json(record, bearer: try intents.bearerWarrant(of: record, for: key)), status: .created)
        if !created { response.headers[HTTPField.Name("Idempotent-Replayed")!] = "true" }
        return response
    }

    /// The `Idempotency-Key` header, if sent: 1 to 255 characters on one line (else 422).
    static func idempotencyKey(_ request: Request) throws -> String? {
        let idempotencyKey = request.headers[HTTPField.Name("Idempotency-Key")!]
        if let idempotencyKey, idempotencyKey.isEmpty || idempotencyKey.count > 255 || idempotencyKey.contains(where: { $0.isNewline }) {
            throw Problem.invalid(
                "The Idempotency-Key header is invalid.", errors: [.init(path: "Idempotency-Key", message: "must be 1 to 255 characters")])
        }
        return idempotencyKey
    }

    /// Checks the names and the params of a submission, recording each problem on `body`.
    static func check(
        action: String?, resource: String?, target: String?, params: JSONValue, paramsField: String = "params",
        on body: inout JSONRequest
    ) {
        if let action, !PolicyInputs.isSafeName(action) { body.fail("action", "may hold letters, digits and ._-/:@+= only") }
        if let resource, !PolicyInputs.isSafeName(resource) { body.fail("resource", "may hold letters, digits and ._-/:@+= only") }
        if let target, !PolicyInputs.isSafeName(target) { body.fail("target", "may hold letters, digits and ._-/:@+= only") }
        if params.objectValue == nil { body.fail(paramsField, "must be an object") }
    }

    /// The intent's state; with `?wait=N` (≤ 60 s) it answers as soon as the state changes, on any node.
    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal(for: request)
        let id = try RouteInput.id(context)
        var record = try await intents.intent(tenant: principal.tenantID, id: id)
        if case .apiKey(let key) = principal, !key.scopes.contains(.admin), key.agentID != record.agentID {
            throw Problem.notFound()
        }
        if let text = request.uri.queryParameters["wait"] {
            guard let seconds = Int(String(text)), (0...60).contains(seconds) else {
                throw Problem.invalid(
                    "The query parameters are invalid.", errors: [.init(path: "wait", message: "must be 0 to 60 seconds")])
            }
            let initial = record.status
            if seconds > 0, initial == .pendingApproval {
                try await waiters.wait(for: id, timeout: .seconds(seconds)) {
                    try await intents.intent(tenant: principal.tenantID, id: id).status != initial
                }
                record = try await intents.intent(tenant: principal.tenantID, id: id)
            }
        }
        // Only the key that submitted the intent receives the warrant itself (to hand to its
        // executor); everyone else, readers included, sees what it says but cannot use it.
        var bearer: String?
        if case .apiKey(let key) = principal, key.agentID == record.agentID {
            bearer = try intents.bearerWarrant(of: record, for: key)
        }
        let decisions = try await intents.decisions(tenant: principal.tenantID, intents: [id])[id] ?? []
        return JSONBody.response(Self.json(record, bearer: bearer, decisions: decisions))
    }

    /// The intent as the API shows it: the warrant's claims for every reader, the warrant itself
    /// (`bearer`) only for the agent that submitted it, and the decisions recorded so far when known.
    static func json(_ record: IntentRecord, bearer: String?, decisions: [IntentDecisionEntry]? = nil) -> JSONValue {
        var value: [String: JSONValue] = [
            "id": IdentityJSON.id(record.id), "status": .string(record.status.rawValue), "decision": record.decision,
            "action": .string(record.action), "resource": .string(record.resource), "params": record.params,
            "target": record.target.map(JSONValue.string) ?? .null, "justification": record.justification.map(JSONValue.string) ?? .null,
            "agent_id": IdentityJSON.id(record.agentID), "team_id": IdentityJSON.id(record.teamID),
            "expires_at": IdentityJSON.time(record.expiresAt), "created_at": IdentityJSON.time(record.createdAt),
        ]
        value["tier"] = record.tier.map { .string($0.rawValue) } ?? .null
        if let bearer { value["warrant"] = .string(bearer) }
        if let claims = IntentStore.warrantClaims(of: record) { value["warrant_claims"] = claims }
        if let decisions { value["decisions"] = .array(decisions.map(decisionJSON)) }
        return .object(value)
    }

    static func decisionJSON(_ entry: IntentDecisionEntry) -> JSONValue {
        [
            "user_id": IdentityJSON.id(entry.userID), "email": .string(entry.email), "decision": .string(entry.decision.rawValue),
            "comment": entry.comment.map(JSONValue.string) ?? .null, "mfa": .bool(entry.mfa), "at": IdentityJSON.time(entry.at),
        ]
    }
}
