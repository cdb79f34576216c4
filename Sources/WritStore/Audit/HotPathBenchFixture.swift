import Foundation
import Postgres
import WritCore
import WritCrypto

/// Tenants for the hot-path benchmark, made through the same store calls sign-up and the admin
/// routes use: each with a team, agents and their intents keys. Also fills one tenant's chain with
/// a valid run of events (hashes, links and signed checkpoints as `AuditLog` writes them).
public enum HotPathBenchFixture {
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
            let admin = Principal.user(UserPrincipal(
                tenantID: tenant, userID: signup.member.id, sessionID: signup.session.id, email: signup.member.email, roles: [.admin]))
            let team = try await identity.createTeam(tenant: tenant, name: "bench", by: admin)
            var agentIDs: [UUID] = []
            var keys: [String] = []
            for index in 1...agents {
                let agent = try await identity.createAgent(tenant: tenant, name: "agent-\(index)", teamID: team.id, ownerID: nil, labels: [:], by: admin)
                let key = try await identity.createAPIKey(tenant: tenant, name: "bench-\(index)", agentID: agent.id, scopes: [.intents], expiresAt: nil, by: admin)
                agentIDs.append(agent.id)
                keys.append(key.token.text)
            }
            made.append(Tenant(id: tenant, team: team.id, agents: agentIDs, keys: keys))
        }
        return made
    }

    /// Appends `events` filler events to `tenant`'s chain in transactions of 5,000, as valid links
    /// (checkpoints included when the log has signing keys).
    public static func fillChain(tenant: UUID, events: Int, audit: AuditLog, database: Database) async throws {
        var written = 0
        while written < events {
            let batch = min(5_000, events - written)
            try await database.withTenant(tenant) { tx in
                let head = try await audit.lockHead(tenant: tenant, in: tx)
                let filler = (0..<batch).map { index in
                    AuditEvent(type: .benchFiller, actor: .system, data: ["n": .number(Double(written + index))])
                }
                let planned = try await audit.statements(appending: filler, tenant: tenant, after: head, in: tx)
                try await tx.pipeline(planned.statements)
            }
            written += batch
        }
    }
}
