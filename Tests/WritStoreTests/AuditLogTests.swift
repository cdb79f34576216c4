import Foundation
import Postgres
import Testing
import WritCore
import WritCrypto
import WritStore
import WritTestSupport

@Suite("Audit log", .timeLimit(.minutes(3)))
struct AuditLogTests {
    /// A fresh migrated database with one signed-up tenant (which has a signing key).
    private func tenantWithKeys() async throws -> (TestDatabaseInfo, Database, UUID, SigningKeys) {
        let info = try await TestCluster.makeMigratedDatabase()
        let database = Database(pool: ConnectionPool(configuration: info.appConfiguration(maxConnections: 8)))
        let masterKey = SecureRandom.bytes(32)
        let keys = SigningKeys(keys: KeyRing(masterKey: masterKey))
        let identity = IdentityStore(database: database, keys: KeyRing(masterKey: masterKey), signingKeys: keys)
        let signup = try await identity.signup(
            organization: "Audit", email: EmailAddress("audit-\(UUID().uuidString.prefix(8))@example.com")!,
            account: .new(passwordHash: "x"))
        return (info, database, signup.tenant.id, keys)
    }

    private func append(_ count: Int, to tenant: UUID, _ database: Database, _ audit: AuditLog) async throws {
        for index in 0..<count {
            try await database.withTenant(tenant) { tx in
                try await audit.append(
                    AuditEvent(type: .benchFiller, actor: .system, data: ["n": .number(Double(index))]),
                    tenant: tenant, in: tx)
            }
        }
    }

    /// Verifies the tenant's chain as the server stores it; returns the verifier or the failure.
    private func verify(_ tenant: UUID, _ database: Database, _ keys: SigningKeys) async throws -> Result<
        AuditVerifier, AuditVerifier.Failure
    > {
        let published = try await keys.publicKeys(tenant: tenant, database: database)
        var verifier = AuditVerifier(keys: Dictionary(uniqueKeysWithValues: published.map { ($0.kid, $0.key) }))
        let lines = try await AuditReader(database: database).events(tenant: tenant, filter: AuditFilter(), afterSeq: 0, limit: 100_000)
        do {
            for (_, line) in lines { try verifier.check(line: line) }
            return .success(verifier)
        } catch {
            return .failure(error)
        }
    }

    @Test("32 concurrent writers × 500 appends give seq 1…16,000 with no gap and a valid chain")
    func concurrentAppends() async throws {
        let info = try await TestCluster.makeMigratedDatabase()
        let database = Database(pool: ConnectionPool(configuration: info.appConfiguration(maxConnections: 16)))
        let tenant = UUID()
        let audit = AuditLog()
        try await database.withTenant(tenant) { tx in
            try await tx.execute("INSERT INTO tenants (id, name) VALUES (\(tenant), 'hot')")
            try await audit.start(tenant: tenant, in: tx)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<32 {
                group.addTask {
                    for index in 0..<500 {
                        try await database.withTenant(tenant) { tx in
                            try await audit.append(
                                AuditEvent(
                                    type: .benchAppend, actor: .init(kind: .writer, id: String(writer)),
                                    data: ["i": .number(Double(index))]),
                                tenant: tenant, in: tx)
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let seqs = try await database.withTenant(tenant) { tx in
            try await tx.execute("SELECT min(seq) AS low, max(seq) AS high, count(*) AS n FROM audit_events WHERE tenant_id = \(tenant)")[0]
        }
        #expect(try seqs.decode(Int64.self, "low") == 1)
        #expect(try seqs.decode(Int64.self, "high") == 16_000)
        #expect(try seqs.decode(Int64.self, "n") == 16_000)
        let result = try await verify(tenant, database, SigningKeys(keys: KeyRing(masterKey: SecureRandom.bytes(32))))
        #expect((try? result.get())?.checked == 16_000)
        await database.pool.close()
    }

    @Test("a checkpoint follows at the latest every 1,000 events and verifies")
    func inlineCheckpoints() async throws {
        let (_, database, tenant, keys) = try await tenantWithKeys()
        try await append(2_100, to: tenant, database, AuditLog(signingKeys: keys))
        let verifier = try await verify(tenant, database, keys).get()
        #expect(verifier.checkpoints == 2)
        let checkpoints = try await AuditReader(database: database).checkpoints(tenant: tenant, afterSeq: 0, limit: 10)
        #expect(checkpoints.count == 2)
        #expect(checkpoints[1].seq - checkpoints[0].seq <= AuditLog.checkpointInterval + 1)
        await database.pool.close()
    }

    @Test("the periodic checkpointer signs each grown chain exactly once, however many run")
    func checkpointerRunsOnce() async throws {
        let (_, database, tenant, keys) = try await tenantWithKeys()
        let audit = AuditLog(signingKeys: keys)
        try await append(5, to: tenant, database, audit)
        let checkpointer = AuditCheckpointer(database: database, audit: audit, interval: 0)
        let written = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<4 { group.addTask { try await checkpointer.runOnce() } }
            return try await group.reduce(0, +)
        }
        #expect(written == 1)
        #expect(try await checkpointer.runOnce() == 0)
        try await append(1, to: tenant, database, audit)
        #expect(try await checkpointer.runOnce() == 1)
        #expect(try await verify(tenant, database, keys).get().checkpoints == 2)
        await database.pool.close()
    }

    /// Runs `tamper` as the table owner (triggers off) and returns the first bad seq the verifier reports.
    private func tampered(_ tamper: (PooledConnection, UUID) async throws -> Void) async throws -> AuditVerifier.Failure? {
        let (info, database, tenant, keys) = try await tenantWithKeys()
        let audit = AuditLog(signingKeys: keys)
        try await append(15, to: tenant, database, audit)
        try await AuditCheckpointer(database: database, audit: audit, interval: 0).runOnce()
        try await append(10, to: tenant, database, audit)
        _ = try await verify(tenant, database, keys).get()
        let owner = ConnectionPool(configuration: info.migrateConfiguration)
        try await owner.withConnection { connection in
            // The owner is subject to the forced RLS too, so it names the tenant it rewrites.
            try await connection.executeScript("SET ROLE writ_owner; ALTER TABLE writ.audit_events DISABLE TRIGGER USER")
            try await connection.execute("SELECT set_config('app.tenant_id', \(tenant), false)")
            try await tamper(connection, tenant)
            try await connection.executeScript("ALTER TABLE writ.audit_events ENABLE TRIGGER USER; RESET ROLE")
        }
        await owner.close()
        defer { Task { await database.pool.close() } }
        switch try await verify(tenant, database, keys) {
        case .success: return nil
        case .failure(let failure): return failure
        }
    }

    @Test("one changed byte is caught at its seq")
    func changedByte() async throws {
        let failure = try await tampered { connection, tenant in
            try await connection.execute(
                """
                UPDATE writ.audit_events SET body = replace(body, '"type":"', '"type":"X') WHERE tenant_id = \(tenant) AND seq = 9
                """)
        }
        #expect(failure?.seq == 9)
        #expect(failure?.reason.contains("hash") == true)
    }

    @Test("a deleted event is caught as a gap")
    func deletedEvent() async throws {
        let failure = try await tampered { connection, tenant in
            try await connection.execute("DELETE FROM writ.audit_events WHERE tenant_id = \(tenant) AND seq = 12")
        }
        #expect(failure?.seq == 12)
    }

    @Test("two swapped events are caught")
    func swappedEvents() async throws {
        let failure = try await tampered { connection, tenant in
            try await connection.executeScript(
                """
                UPDATE writ.audit_events e SET body = o.body, hash = o.hash
                FROM writ.audit_events o
                WHERE e.tenant_id = '\(tenant.uuidString)' AND o.tenant_id = e.tenant_id
                  AND ((e.seq = 10 AND o.seq = 11) OR (e.seq = 11 AND o.seq = 10))
                """)
        }
        #expect(failure?.seq == 10)
    }

    @Test("an inserted event is caught")
    func insertedEvent() async throws {
        let point = Box()
        let failure = try await tampered { connection, tenant in
            // After the last checkpoint, renumber the tail up by one and slip a well-formed event in.
            let at = try await connection.execute("SELECT max(seq) - 3 AS at FROM writ.audit_events WHERE tenant_id = \(tenant)")[0]
                .decode(Int64.self, "at")
            point.value = at
            let prev = try await connection.execute("SELECT hash FROM writ.audit_events WHERE tenant_id = \(tenant) AND seq = \(at)")[0]
                .decode(String.self, "hash")
            try await connection.execute("UPDATE writ.audit_events SET seq = seq + 1000 WHERE tenant_id = \(tenant) AND seq > \(at)")
            try await connection.execute("UPDATE writ.audit_events SET seq = seq - 999 WHERE tenant_id = \(tenant) AND seq > 1000")
            let link = AuditChain.link(
                AuditEvent(type: .benchFiller, actor: .system), tenant: tenant.uuidString.lowercased(), seq: at + 1,
                time: Date(), previousHash: prev)
            try await connection.execute(
                """
                INSERT INTO writ.audit_events (tenant_id, seq, occurred_at, type, actor_kind, body, hash)
                VALUES (\(tenant), \(at + 1), now(), \(AuditEventType.benchFiller.rawValue), 'system',
                        \(String(decoding: link.body, as: UTF8.self)), \(link.hash))
                """)
        }
        #expect(failure?.seq == point.value + 2)
    }

    /// Carries a value out of the tamper closure: written once before it is read, never concurrently.
    private final class Box: @unchecked Sendable {
        var value: Int64 = 0
    }

    @Test("a chain recomputed from a changed event onwards is caught by the earlier checkpoint")
    func recomputedChain() async throws {
        let failure = try await tampered { connection, tenant in
            let rows = try await connection.execute("SELECT seq, body FROM writ.audit_events WHERE tenant_id = \(tenant) ORDER BY seq")
            var previous = AuditChain.genesisHash
            for row in rows {
                let seq = try row.decode(Int64.self, "seq")
                guard case .object(var event) = try JSONParser.parse(try row.decode(String.self, "body")) else { continue }
                if seq == 3 { event["data"] = ["forged": true] }
                event["prev"] = .string(previous)
                let body = CanonicalJSON.bytes(.object(event))
                let hash = SHA256.hexHash(body)
                try await connection.execute(
                    """
                    UPDATE writ.audit_events SET body = \(String(decoding: body, as: UTF8.self)), hash = \(hash)
                    WHERE tenant_id = \(tenant) AND seq = \(seq)
                    """)
                previous = hash
            }
            try await connection.execute("UPDATE writ.audit_heads SET hash = \(previous) WHERE tenant_id = \(tenant)")
        }
        #expect(failure != nil)
        #expect(failure?.reason.contains("checkpoint") == true)
    }

    @Test("nobody can update or delete audit events through the serving role or as owner with triggers on")
    func appendOnly() async throws {
        let (info, database, tenant, _) = try await tenantWithKeys()
        await #expect(throws: PostgresError.self) {
            try await database.withTenant(tenant) { tx in
                try await tx.execute("UPDATE audit_events SET type = 'x' WHERE tenant_id = \(tenant)")
            }
        }
        await #expect(throws: PostgresError.self) {
            try await database.withTenant(tenant) { tx in try await tx.execute("DELETE FROM audit_events WHERE tenant_id = \(tenant)") }
        }
        let owner = ConnectionPool(configuration: info.migrateConfiguration)
        await #expect(throws: PostgresError.self) {
            try await owner.query("UPDATE writ.audit_events SET type = 'x' WHERE tenant_id = \(tenant)")
        }
        await owner.close()
        await database.pool.close()
    }
}

@Suite("Audit group commit", .timeLimit(.minutes(3)))
struct AuditGroupCommitTests {
    @Test("concurrent appends through the group committer keep one gapless, valid, checkpointed chain")
    func groupCommit() async throws {
        let info = try await TestCluster.makeMigratedDatabase()
        let database = Database(pool: ConnectionPool(configuration: info.appConfiguration(maxConnections: 4)))
        let masterKey = SecureRandom.bytes(32)
        let keys = SigningKeys(keys: KeyRing(masterKey: masterKey))
        let signup = try await IdentityStore(database: database, keys: KeyRing(masterKey: masterKey), signingKeys: keys).signup(
            organization: "Group", email: EmailAddress("group-\(UUID().uuidString.prefix(8))@example.com")!,
            account: .new(passwordHash: "x"))
        let tenant = signup.tenant.id
        let committer = AuditGroupCommitter(database: database, audit: AuditLog(signingKeys: keys))
        let seqs = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for writer in 0..<32 {
                group.addTask {
                    var mine: [Int64] = []
                    for index in 0..<80 {
                        mine.append(
                            try await committer.append(
                                AuditEvent(
                                    type: .benchAppend, actor: .init(kind: .writer, id: String(writer)),
                                    data: ["i": .number(Double(index))]),
                                tenant: tenant))
                    }
                    return mine
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(seqs.count == 2_560)
        #expect(Set(seqs).count == 2_560)
        let published = try await keys.publicKeys(tenant: tenant, database: database)
        var verifier = AuditVerifier(keys: Dictionary(uniqueKeysWithValues: published.map { ($0.kid, $0.key) }))
        for (_, line) in try await AuditReader(database: database).events(tenant: tenant, filter: AuditFilter(), afterSeq: 0, limit: 10_000)
        {
            try verifier.check(line: line)
        }
        #expect(verifier.checked >= 2_560 + 4)
        #expect(verifier.checkpoints >= 2)
        await database.pool.close()
    }
}
