import Foundation
import Postgres
import Testing
import WritCore
import WritCrypto
import WritStore
import WritTestSupport

/// How many times a submission talks to PostgreSQL, counted by the pool (a statement sent alone
/// or a pipeline of statements is one round trip).
@Suite("Round trips of a submission", .timeLimit(.minutes(3)))
struct RoundTripTests {
    @Test("a T0 intent costs 2 round trips, with or without an idempotency key; a pending intent's replay costs 2")
    func t0() async throws {
        let database = try await TestCluster.makeMigratedDatabase()
        let pool = ConnectionPool(configuration: database.appConfiguration())
        let store = Database(pool: pool)
        let masterKey = SecureRandom.bytes(32)
        let signingKeys = SigningKeys(keys: KeyRing(masterKey: masterKey))
        let audit = AuditLog(signingKeys: signingKeys)
        let identity = IdentityStore(database: store, keys: KeyRing(masterKey: masterKey), signingKeys: signingKeys)
        let intents = IntentStore(
            database: store, audit: audit, signingKeys: signingKeys, issuer: "http://writ.test", keys: KeyRing(masterKey: masterKey))
        let policies = PolicyStore(database: store, audit: audit)

        let signup = try await identity.signup(
            organization: "Round trips", email: EmailAddress("rt@example.com")!, account: .new(passwordHash: "x"))
        let tenant = signup.tenant.id
        let admin = Principal.user(
            UserPrincipal(tenantID: tenant, userID: signup.member.id, sessionID: UUID(), email: "rt@example.com", roles: [.admin]))
        let team = try await identity.createTeam(tenant: tenant, name: "ops", by: admin)
        let agent = try await identity.createAgent(tenant: tenant, name: "bot", teamID: team.id, ownerID: nil, labels: [:], by: admin)
        let key = KeyPrincipal(
            tenantID: tenant, keyID: UUID(), agentID: agent.id, scopes: [.intents], expiresAt: nil,
            requestsPerSecond: 100, burst: 100, agent: agent)
        let policy = try await policies.effective(tenant: tenant, team: team.id)

        func submit(_ action: String, idempotencyKey: String? = nil) async throws -> (IntentRecord, Int) {
            let submission = IntentSubmission(
                action: action, resource: "r/1", params: ["n": 1], target: nil, justification: nil,
                idempotencyKey: idempotencyKey)
            let input = PolicyInput(
                action: action, resource: "r/1", params: ["n": 1], target: nil, justification: nil,
                agentID: agent.id.uuidString.lowercased(), agentName: agent.name, agentLabels: [:],
                teamID: team.id.uuidString.lowercased())
            let before = pool.roundTrips
            let (record, _) = try await intents.submit(submission, tenant: tenant, agent: agent, key: key, input: input, policy: policy)
            return (record, pool.roundTrips - before)
        }
        _ = try await submit("s3.objects.read")  // warms the signing-key cache, as the first intent of a tenant does
        let (t0, trips) = try await submit("s3.objects.read")
        #expect(t0.tier == .t0 && t0.issuedWarrant != nil)
        #expect(trips <= 3, "a T0 submission took \(trips) round trips")
        #expect(trips == 2)
        // A T0 with a key costs no more: the unique index, not a look-up, finds a used key.
        let (_, keyed) = try await submit("s3.objects.read", idempotencyKey: "once")
        #expect(keyed == 2)
        // Its (rare) replay pays instead: the refused insert, then the look-up.
        let (replayed, replayTrips) = try await submit("s3.objects.read", idempotencyKey: "once")
        #expect(replayed.issuedWarrant == nil && replayTrips <= 4, "a T0 replay took \(replayTrips) round trips")
        // A pending intent's replays are common (an agent polling): they look up first (the look-up, then the commit).
        let (pending, _) = try await submit("crm.contacts.update", idempotencyKey: "pending")
        let (polled, pollTrips) = try await submit("crm.contacts.update", idempotencyKey: "pending")
        #expect(pending.status == .pendingApproval && polled.id == pending.id && pollTrips <= 2, "a pending replay took \(pollTrips)")
        await pool.close()
    }
}
