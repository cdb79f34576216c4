import Foundation
import WritCore
import WritStore

/// Files intents: the one path of `POST /v1/intents`, the Vienna OS routes and AuthZEN. The
/// submission arrives validated and canonicalized once; the policy is evaluated once; the record
/// the store returns is what the caller answers with.
struct IntentFiling: Sendable {
    let intents: IntentStore
    let identity: IdentityStore
    let policyCache: PolicyCache
    let waiters: IntentWaiters

    /// Largest `params`, in canonical bytes.
    static let maxParamsBytes = 64 * 1024

    /// Refuses (422) params over ``maxParamsBytes``, measured on the canonical bytes the submission already holds.
    static func checkSize(_ submission: IntentSubmission, field: String = "params") throws {
        guard submission.canonicalParams.count <= maxParamsBytes else {
            throw Problem.invalid(
                "The request body has 1 invalid field.", errors: [.init(path: "/" + field, message: "must be at most 64 KiB")])
        }
    }

    /// Classifies a validated submission under the agent's team policy and stores it (or finds the
    /// one its idempotency key already made: `created` is then false).
    func file(_ submission: IntentSubmission, key: KeyPrincipal, agentID: UUID) async throws -> (record: IntentRecord, created: Bool) {
        // The agent travels with the cached key (dropped from the cache on any change of the agent);
        // the submission still refuses it in its transaction if it was disabled a moment ago.
        let agent: Agent
        if let cached = key.agent { agent = cached } else { agent = try await identity.agent(tenant: key.tenantID, id: agentID) }
        let policy = try await policyCache.effective(tenant: key.tenantID, team: agent.teamID)
        let input = PolicyInput(
            action: submission.action, resource: submission.resource, params: submission.params, target: submission.target,
            justification: submission.justification, agentID: agent.id.uuidString.lowercased(), agentName: agent.name,
            agentLabels: agent.labels, teamID: agent.teamID.uuidString.lowercased())
        let (record, created) = try await intents.submit(
            submission, tenant: key.tenantID, agent: agent, key: key, input: input, policy: policy)
        // The store has notified the other nodes in its transaction; waiters on this node wake now.
        if created, record.status == .pendingApproval { waiters.wakeLocally(tenant: key.tenantID, intent: record.id) }
        return (record, created)
    }
}
