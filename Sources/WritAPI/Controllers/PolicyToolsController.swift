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
        let draft = body.value(optional: "policy")
        let intent = body.nested("intent", HypotheticalIntent.init(reading:))
        let valid = try body.finish()
        if let draft { try PolicyInputs.validate(draft, at: "/policy") }
        let tenant = principal.tenantID
        let (teamID, fields) = try (valid[team], valid[intent])
        guard (try? await identity.team(tenant: tenant, id: teamID)) != nil else {
            throw Problem.invalid("The team does not exist.", errors: [.init(path: "/team_id", message: "is not a team of this tenant")])
        }
        var agent: Agent?
        if let agentID = fields.agent {
            agent = try? await identity.agent(tenant: tenant, id: agentID)
            guard agent != nil else {
                throw Problem.invalid(
                    "The agent does not exist.", errors: [.init(path: "/intent/agent_id", message: "is not an agent of this tenant")])
            }
        }
        let effective =
            draft == nil
            ? try await cache.effective(tenant: tenant, team: teamID)
            : try await policies.effective(tenant: tenant, team: teamID, draft: draft)
        let input = try PolicyInput(
            action: valid[fields.action], resource: valid[fields.resource], params: fields.params ?? .object([:]), target: fields.target,
            justification: fields.justification, agentID: agent?.id.uuidString.lowercased(), agentName: agent?.name,
            agentLabels: agent?.labels ?? [:], teamID: teamID.uuidString.lowercased())
        let counts = try await history.rateCounts(tenant: tenant, team: teamID, agent: agent?.id, queries: effective.compiled.rateQueries)
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

    /// The intent a simulation classifies, as read from the body's `intent`.
    private struct HypotheticalIntent {
        let action: Required<String>
        let resource: Required<String>
        let params: JSONValue?
        let agent: UUID?
        let target: String?
        let justification: String?

        init(reading reader: inout JSONRequest) {
            action = reader.string("action", maxLength: 256)
            resource = reader.string("resource", maxLength: 256)
            params = reader.value(optional: "params")
            agent = reader.uuid(optional: "agent_id")
            target = reader.string(optional: "target", maxLength: 256)
            justification = reader.readableText(optional: "justification")
            let unsafe = "may hold letters, digits and ._-/:@+= only"
            if let action = action.unchecked, !PolicyInputs.isSafeName(action) { reader.fail("action", unsafe) }
            if let resource = resource.unchecked, !PolicyInputs.isSafeName(resource) { reader.fail("resource", unsafe) }
            if let params, params.objectValue == nil { reader.fail("params", "must be an object") }
        }
    }
}
