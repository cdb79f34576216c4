import Foundation
import WritCore
import WritStore

/// vienna-os's `simulate`: the decision an intent would get from the agent's team policy now,
/// storing nothing (like `POST /v1/policies/simulate`).
struct ViennaSimulator {
    let cache: PolicyCache
    let history: IntentHistory
    let work: CPUWork

    /// vienna-os `IntentResult` of a simulation: no warrant, `pipeline` `simulated`, and a fresh
    /// id that names no stored intent.
    func result(action: String, params: JSONValue, agent: Agent, tenant: UUID) async throws -> JSONValue {
        let effective = try await cache.effective(tenant: tenant, team: agent.teamID)
        let input = PolicyInput(
            action: action, resource: ViennaIntentsController.resource(in: params), params: params, target: nil, justification: nil,
            agentID: agent.id.uuidString.lowercased(), agentName: agent.name, agentLabels: agent.labels,
            teamID: agent.teamID.uuidString.lowercased())
        let counts = try await history.rateCounts(
            tenant: tenant, team: agent.teamID, agent: agent.id, queries: effective.compiled.rateQueries)
        let compiled = effective.compiled
        let decision = try await work.run { compiled.evaluate(input, rateCounts: counts) }
        let id = IdentityJSON.id(UUIDv7.make())
        let tier = JSONValue.string((decision.tier ?? .t3).rawValue)
        return [
            "proposal": ["id": id, "state": "simulated", "risk_tier": tier],
            "policy_evaluation": [
                "id": id, "decision": .string(decision.outcome == .deny ? "deny" : decision.tier == .t0 ? "allow" : "require_approval"),
                "matched_rule": .string(ViennaJSON.matchedRules(decision.json)),
                "tier": tier,
            ],
            "warrant": .null, "simulation": true, "pipeline": "simulated",
        ]
    }
}
