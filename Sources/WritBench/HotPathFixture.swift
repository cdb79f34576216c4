import Foundation
import WritCore
import WritStore

/// Tenants for the hot-path benchmark, made through the same store calls sign-up and the admin
/// routes use: each with a team, agents and their intents keys.
public enum HotPathFixture {
    /// One tenant's ids and its agents' keys.
    public struct Tenant: Sendable {
        public let id: UUID
        public let team: UUID
        public let agents: [UUID]
        public let keys: [String]
    }

    /// Creates `count` tenants named `prefix-n` on the enterprise plan with `agents` agents each, one intents key per agent.
    public static func tenants(
        _ count: Int, agents: Int, prefix: String, identity: IdentityStore
    ) async throws -> [Tenant] {
        var made: [Tenant] = []
        for number in 1...count {
            let signup = try await identity.signup(
                organization: "\(prefix)-\(number)", email: EmailAddress("\(prefix)-\(number)@bench.invalid")!,
                account: .new(passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$YmVuY2hiZW5jaA$YmVuY2hiZW5jaGJlbmNoYmVuY2hiZW5jaA"),
                // The enterprise plan's limits, so neither the agent quota nor a key's request rate shapes the run.
                plan: "enterprise")
            let tenant = signup.tenant.id
            let admin = Principal.user(
                UserPrincipal(
                    tenantID: tenant, userID: signup.member.id, sessionID: signup.session.id, email: signup.member.email, roles: [.admin]))
            let team = try await identity.createTeam(tenant: tenant, name: "bench", by: admin)
            var agentIDs: [UUID] = []
            var keys: [String] = []
            for index in 1...agents {
                let agent = try await identity.createAgent(
                    tenant: tenant, name: "agent-\(index)", teamID: team.id, ownerID: nil, labels: [:], by: admin)
                let key = try await identity.createAPIKey(
                    tenant: tenant, name: "bench-\(index)", agentID: agent.id, scopes: [.intents], expiresAt: nil, by: admin)
                agentIDs.append(agent.id)
                keys.append(key.token.text)
            }
            made.append(Tenant(id: tenant, team: team.id, agents: agentIDs, keys: keys))
        }
        return made
    }

    /// One line per key, as scripts/bench.d reads them: n, tenant id, team id, agent id, key.
    public static func keysFile(_ tenants: [Tenant]) -> String {
        var lines = ""
        for (number, tenant) in tenants.enumerated() {
            for (agent, key) in zip(tenant.agents, tenant.keys) {
                let ids = [tenant.id, tenant.team, agent].map { $0.uuidString.lowercased() }
                lines += "\(number + 1)\t\(ids.joined(separator: "\t"))\t\(key)\n"
            }
        }
        return lines
    }
}
