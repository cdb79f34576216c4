import Foundation
import Hummingbird
import WritCore
import WritStore

/// Simulation (classify a hypothetical intent) and backtesting (replay recorded intents under a draft).
struct PolicyToolsController {
    let policies: PolicyStore
    let cache: PolicyCache
    let history: IntentHistory
    let identity: IdentityStore
    /// The bounded CPU lane evaluation runs on.
    let work: CPUWork

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("/v1/policies/simulate", use: simulate)
        router.post("/v1/policies/backtest", use: backtest)
    }

    @Sendable func simulate(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requireReader(for: request)
        var body = try await JSONRequest.read(request, context: context)
        let team = body.uuid("team_id")
        var draft = body.value("policy")
        var intentReader = body.nested("intent")
        var fields: (action: String?, resource: String?, params: JSONValue?, agent: UUID?, target: String?, justification: String?)
        if var reader = intentReader {
            fields.action = reader.string("action", maxLength: 256)
            fields.resource = reader.string("resource", maxLength: 256)
            fields.params = reader.value("params")
            fields.agent = reader.uuid("agent_id", required: false)
            fields.target = reader.string("target", required: false, maxLength: 256)
            fields.justification = reader.readableText("justification")
            if let action = fields.action, !PolicyInputs.isSafeName(action) { reader.fail("action", "may hold letters, digits and ._-/:@+= only") }
            if let resource = fields.resource, !PolicyInputs.isSafeName(resource) { reader.fail("resource", "may hold letters, digits and ._-/:@+= only") }
            if let params = fields.params, params.objectValue == nil { reader.fail("params", "must be an object") }
            body.absorb(reader)
            intentReader = reader
        }
        try body.finish()
        if let value = draft { try PolicyInputs.validate(value, at: "/policy") } else { draft = nil }
        let tenant = principal.tenantID
        guard (try? await identity.team(tenant: tenant, id: team!)) != nil else {
            throw Problem.invalid("The team does not exist.", errors: [.init(path: "/team_id", message: "is not a team of this tenant")])
        }
        var agent: Agent?
        if let agentID = fields.agent {
            agent = try? await identity.agent(tenant: tenant, id: agentID)
            guard agent != nil else {
                throw Problem.invalid("The agent does not exist.", errors: [.init(path: "/intent/agent_id", message: "is not an agent of this tenant")])
            }
        }
        let effective = draft == nil
            ? try await cache.effective(tenant: tenant, team: team!)
            : try await policies.effective(tenant: tenant, team: team!, draft: draft)
        let input = PolicyInput(
            action: fields.action!, resource: fields.resource!, params: fields.params ?? .object([:]), target: fields.target,
            justification: fields.justification, agentID: agent?.id.uuidString.lowercased(), agentName: agent?.name,
            agentLabels: agent?.labels ?? [:], teamID: team!.uuidString.lowercased())
        let counts = try await history.rateCounts(tenant: tenant, team: team!, agent: agent?.id, queries: effective.compiled.rateQueries)
        guard context.clientIsConnected else { throw CancellationError() }
        let compiled = effective.compiled
        var decision = try await work.run { compiled.evaluate(input, rateCounts: counts).json }
        if case .object(var members) = decision {
            members["policy"] = [
                "id": .string(effective.key.uuidString.lowercased()), "version": .number(Double(effective.version)),
                "draft": .bool(draft != nil),
            ]
            decision = .object(members)
        }
        return JSONBody.response(decision)
    }
}
