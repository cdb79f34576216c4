import Foundation
import Postgres
import Testing
import WritCore
import WritCrypto
import WritStore
import WritTestSupport

/// Concurrent T0 submissions of one tenant are committed together, each acknowledged after its
/// commit; a batch that cannot go through whole is retried one by one, each with its own answer.
@Suite("Group commit of a tenant's submissions", .timeLimit(.minutes(3)))
struct GroupCommitTests {
    struct Setup {
        let pool: ConnectionPool
        let database: Database
        let intents: IntentStore
        let identity: IdentityStore
        let signingKeys: SigningKeys
        let tenant: UUID
        let admin: Principal
        let team: Team
        let policy: EffectivePolicy
    }

    static func setup() async throws -> Setup {
        let database = try await TestCluster.makeMigratedDatabase()
        let pool = ConnectionPool(configuration: database.appConfiguration(maxConnections: 8))
        let store = Database(pool: pool)
        let masterKey = SecureRandom.bytes(32)
        let signingKeys = SigningKeys(keys: KeyRing(masterKey: masterKey))
        let audit = AuditLog(signingKeys: signingKeys)
        let identity = IdentityStore(database: store, keys: KeyRing(masterKey: masterKey), signingKeys: signingKeys)
        let signup = try await identity.signup(
            organization: "Group", email: EmailAddress("group-\(UUID().uuidString.prefix(6))@example.com")!,
            account: .new(passwordHash: "x"))
        let tenant = signup.tenant.id
        let admin = Principal.user(
            UserPrincipal(tenantID: tenant, userID: signup.member.id, sessionID: UUID(), email: signup.member.email, roles: [.admin]))
        let team = try await identity.createTeam(tenant: tenant, name: "ops", by: admin)
        return Setup(
            pool: pool, database: store,
            intents: IntentStore(
                database: store, audit: audit, signingKeys: signingKeys, issuer: "http://writ.test", keys: KeyRing(masterKey: masterKey)),
            identity: identity, signingKeys: signingKeys, tenant: tenant, admin: admin, team: team,
            policy: try await PolicyStore(database: store, audit: audit).effective(tenant: tenant, team: team.id))
    }

    /// Submits one T0 read per agent in `agents` (repeated `each` times), all at once; returns each outcome.
    static func submitAll(_ setup: Setup, agents: [Agent], each: Int, keyed: Bool = false) async -> [Result<IntentRecord, any Error>] {
        await withTaskGroup(of: Result<IntentRecord, any Error>.self) { group in
            for agent in agents {
                for index in 0..<each {
                    group.addTask {
                        let key = KeyPrincipal(
                            tenantID: setup.tenant, keyID: UUID(), agentID: agent.id, scopes: [.intents], expiresAt: nil,
                            requestsPerSecond: 1000, burst: 1000, agent: agent)
                        let submission = IntentSubmission(
                            action: "s3.objects.read", resource: "b/\(index)", params: ["n": .number(Double(index))],
                            target: nil, justification: nil, idempotencyKey: keyed ? "key-\(index)" : nil)
                        let input = PolicyInput(
                            action: "s3.objects.read", resource: "b/\(index)", params: ["n": .number(Double(index))], target: nil,
                            justification: nil, agentID: agent.id.uuidString.lowercased(), agentName: agent.name,
                            agentLabels: [:], teamID: setup.team.id.uuidString.lowercased())
                        do {
                            return .success(
                                try await setup.intents.submit(
                                    submission, tenant: setup.tenant, agent: agent, key: key, input: input, policy: setup.policy
                                ).0)
                        } catch {
                            return .failure(error)
                        }
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
    }

    /// Every event of the tenant's chain verifies; returns how many there are.
    static func verifiedChain(_ setup: Setup) async throws -> Int {
        let keys = try await setup.signingKeys.publicKeys(tenant: setup.tenant, database: setup.database, grace: nil)
        var verifier = AuditVerifier(keys: Dictionary(keys.map { ($0.kid, $0.key) }, uniquingKeysWith: { first, _ in first }))
        for (_, line) in try await AuditReader(database: setup.database).events(
            tenant: setup.tenant, filter: AuditFilter(), afterSeq: 0, limit: 10_000)
        {
            try verifier.check(line: line)
        }
        return verifier.checked
    }

    @Test("forty concurrent T0 submissions share transactions, every one gets its warrant, and the chain verifies")
    func batches() async throws {
        let setup = try await Self.setup()
        let agent = try await setup.identity.createAgent(
            tenant: setup.tenant, name: "bot", teamID: setup.team.id, ownerID: nil, labels: [:], by: setup.admin)
        let before = setup.pool.roundTrips
        let results = await Self.submitAll(setup, agents: [agent], each: 40)
        let trips = setup.pool.roundTrips - before
        let records = try results.map { try $0.get() }
        #expect(records.count == 40)
        #expect(records.allSatisfy { $0.tier == .t0 && $0.issuedWarrant != nil })
        #expect(Set(records.map(\.id)).count == 40)
        // Alone they would take 80 round trips (2 each); together far fewer.
        #expect(trips < 40, "40 submissions took \(trips) round trips")
        let events = try await Self.verifiedChain(setup)
        #expect(events >= 80)
        await setup.pool.close()
    }

    @Test("keyed T0 submissions are group-committed too; sending the same keys again replays every intent and appends nothing")
    func keyedBatches() async throws {
        let setup = try await Self.setup()
        let agent = try await setup.identity.createAgent(
            tenant: setup.tenant, name: "sdk", teamID: setup.team.id, ownerID: nil, labels: [:], by: setup.admin)
        let before = setup.pool.roundTrips
        let first = try await Self.submitAll(setup, agents: [agent], each: 40, keyed: true).map { try $0.get() }
        let trips = setup.pool.roundTrips - before
        #expect(first.count == 40 && Set(first.map(\.id)).count == 40 && first.allSatisfy { $0.issuedWarrant != nil })
        #expect(trips < 40, "40 keyed submissions took \(trips) round trips: they did not share transactions")
        let events = try await Self.verifiedChain(setup)
        let again = try await Self.submitAll(setup, agents: [agent], each: 40, keyed: true).map { try $0.get() }
        #expect(Set(again.map(\.id)) == Set(first.map(\.id)), "a replayed key filed a new intent")
        #expect(again.allSatisfy { $0.issuedWarrant == nil })
        #expect(try await Self.verifiedChain(setup) == events)
        await setup.pool.close()
    }

    @Test("a batch holding a disabled agent's submissions splits: the others commit, the disabled one's are refused")
    func disabledAgentSplits() async throws {
        let setup = try await Self.setup()
        let active = try await setup.identity.createAgent(
            tenant: setup.tenant, name: "on", teamID: setup.team.id, ownerID: nil, labels: [:], by: setup.admin)
        let disabled = try await setup.identity.createAgent(
            tenant: setup.tenant, name: "off", teamID: setup.team.id, ownerID: nil, labels: [:], by: setup.admin)
        _ = try await setup.identity.updateAgent(
            tenant: setup.tenant, id: disabled.id, changes: AgentChanges(disabled: true), by: setup.admin)
        // Both submit with the agent as the key cache last saw it (active).
        let results = await Self.submitAll(setup, agents: [active, disabled], each: 10)
        let succeeded = results.compactMap { try? $0.get() }
        #expect(succeeded.count == 10)
        #expect(succeeded.allSatisfy { $0.agentID == active.id })
        let refusals = results.compactMap { result -> StoreError? in
            if case .failure(let error) = result { return error as? StoreError }
            return nil
        }
        #expect(refusals.count == 10)
        #expect(refusals.allSatisfy { $0.kind == .forbidden })
        _ = try await Self.verifiedChain(setup)
        await setup.pool.close()
    }
}
