import Foundation
import HTTPTypes
import Postgres
import Testing
import WritCore
import WritCrypto
import WritStore
import WritTestSupport

@Suite("Audit retention and purge", .timeLimit(.minutes(3)))
struct AuditRetentionTests {
    /// Makes events older than retention by rewriting their time as the table owner (triggers
    /// off), as if they had been written `days` ago.
    static func backdate(tenant: UUID, throughSeq: Int64, days: Int, database: TestDatabaseInfo) async throws {
        let owner = ConnectionPool(configuration: database.migrateConfiguration)
        try await owner.withConnection { connection in
            try await connection.executeScript("SET ROLE writ_owner; ALTER TABLE writ.audit_events DISABLE TRIGGER USER")
            try await connection.execute("SELECT set_config('app.tenant_id', \(tenant), false)")
            try await connection.execute(
                """
                UPDATE writ.audit_events SET occurred_at = occurred_at - make_interval(days => \(days))
                WHERE tenant_id = \(tenant) AND seq <= \(throughSeq)
                """)
            try await connection.executeScript("ALTER TABLE writ.audit_events ENABLE TRIGGER USER; RESET ROLE")
        }
        await owner.close()
    }

    static func setPlan(_ plan: String, tenant: UUID, database: TestDatabaseInfo) async throws {
        let owner = ConnectionPool(configuration: database.migrateConfiguration)
        try await owner.query("UPDATE writ.tenants SET plan = \(plan) WHERE id = \(tenant)")
        await owner.close()
    }

    @Test(
        "events past the plan's retention lose their bodies in audited batches; export, server and offline verification and evidence packs pass and report the purge"
    )
    func purgeKeepsTheChainVerifiable() async throws {
        let masterKey = SecureRandom.bytes(32)
        try await TestApp.withServer(configure: {
            $0.masterKey = masterKey
            $0.auditPurge = false
        }) { api, info in
            let signup = try await api.signup()
            let admin = signup.credential
            let tenant = try #require(UUID(uuidString: signup.tenant))
            let setup = try await api.agentWithKey(as: admin)
            _ = try await api.call(.put, "/v1/policy", as: admin, json: EvidencePackTests.policyV1)
            for index in 0..<4 {
                _ = try await api.call(.post, "/v1/intents", as: .key(setup.key), json: #"{"action":"s3.read","resource":"old/\#(index)"}"#)
            }
            let database = Database(pool: ConnectionPool(configuration: info.appConfiguration(maxConnections: 2)))
            defer { Task { await database.pool.close() } }
            let reader = AuditReader(database: database)
            let old = try await reader.start(tenant: tenant).headSeq
            _ = try await api.call(.post, "/v1/intents", as: .key(setup.key), json: #"{"action":"s3.read","resource":"new/1"}"#)
            try await Self.backdate(tenant: tenant, throughSeq: old, days: 120, database: info)

            // The database itself refuses any other change: a retained event, a body rewritten, a deletion.
            await #expect(throws: PostgresError.self) {
                try await database.withTenant(tenant) { tx in
                    try await tx.execute("UPDATE audit_heads SET purged_before = seq + 1 WHERE tenant_id = \(tenant)")
                    try await tx.execute(
                        "UPDATE audit_events SET body = NULL, actor_id = NULL, subject_id = NULL WHERE tenant_id = \(tenant) AND seq = \(old + 1)"
                    )
                }
            }
            await #expect(throws: PostgresError.self) {
                try await database.withTenant(tenant) { tx in
                    try await tx.execute("UPDATE audit_heads SET purged_before = 2 WHERE tenant_id = \(tenant)")
                    try await tx.execute("UPDATE audit_events SET body = '{}' WHERE tenant_id = \(tenant) AND seq = 1")
                }
            }
            await #expect(throws: PostgresError.self) {
                try await database.withTenant(tenant) { tx in
                    try await tx.execute("DELETE FROM audit_events WHERE tenant_id = \(tenant) AND seq = 1")
                }
            }
            // Nor can it move the tenant to a plan with a shorter retention.
            await #expect(throws: PostgresError.self) {
                try await database.withTenant(tenant) { tx in try await tx.execute("UPDATE tenants SET plan = 'free' WHERE id = \(tenant)")
                }
            }

            let signingKeys = SigningKeys(keys: KeyRing(masterKey: masterKey))
            let retention = AuditRetention(database: database, audit: AuditLog(signingKeys: signingKeys), batch: 4)
            // A plan without retention keeps everything.
            try await Self.setPlan("enterprise", tenant: tenant, database: info)
            #expect(try await retention.runOnce().isEmpty)
            try await Self.setPlan("free", tenant: tenant, database: info)
            var purges: [AuditRetention.Purge] = []
            while true {
                let pass = try await retention.runOnce().filter { $0.tenant == tenant }
                if pass.isEmpty { break }
                purges += pass
            }
            #expect(purges.first?.fromSeq == 1 && purges.last?.beforeSeq == old + 1, "\(purges)")
            #expect(purges.count == Int((old + 3) / 4), "batches of 4: \(purges)")
            let boundary = old + 1
            // A walk that was under way before the purge (it expects seq 1) finds a hole, never hands one out.
            await #expect(throws: AuditReader.OvertakenByPurge.self) { try await reader.walk(tenant: tenant, afterSeq: 0, limit: 10) }
            #expect(try await reader.walk(tenant: tenant, afterSeq: old, limit: 10).first?.seq == boundary)

            let browsed = try await api.call(.get, "/v1/audit?limit=1000", as: admin).decoded(PageBody<AuditEventBody>.self).items
            #expect(browsed.first?.seq == Int(boundary))
            let purgeEvents = browsed.filter { $0.type == AuditEventType.auditPurged.rawValue }
            #expect(purgeEvents.count == purges.count)
            let lastPurge = purgeEvents.last?.data
            #expect(
                lastPurge?["before_seq"]?.intValue == Int(boundary) && lastPurge?["retention_days"]?.intValue == 90, "\(purgeEvents)")

            let export = try await api.call(.get, "/v1/audit/export", as: admin)
            #expect(export.headers[.init("Writ-Audit-From-Seq")!] == String(boundary))
            #expect(export.headers[.init("Writ-Audit-Purged-Before")!] == String(boundary))
            let previousHash = try #require(export.headers[.init("Writ-Audit-Previous-Hash")!])
            #expect(lastPurge?["boundary_hash"]?.stringValue == previousHash)
            let jwks = try await api.call(.get, "/v1/tenants/\(signup.tenant)/jwks.json").body
            var verifier = AuditVerifier(
                keys: try JWKSet.ed25519Keys(from: Array(jwks.utf8)), fromSeq: boundary, previousHash: previousHash)
            for line in export.body.split(separator: "\n") { try verifier.check(line: Array(line.utf8)) }
            #expect(verifier.lastSeq > boundary && verifier.checked == Int(verifier.lastSeq - old))
            // The server's checkpointer may append while the test runs: the later export starts the same way.
            let fromOne = try await api.call(.get, "/v1/audit/export?from_seq=1", as: admin)
            #expect(fromOne.body.hasPrefix(export.body) && fromOne.headers[.init("Writ-Audit-From-Seq")!] == String(boundary))

            let verified = try await api.call(.get, "/v1/audit/verify", as: admin).decoded(AuditVerificationBody.self)
            #expect(verified.valid == true && verified.purgedBefore == Int(boundary), "\(verified)")

            // The purged rows keep their seq and hash; nothing is left of what they said.
            let purgedRows = try await database.withTenant(tenant) { tx in
                try await tx.execute(
                    """
                    SELECT count(*) FILTER (WHERE body IS NULL AND actor_id IS NULL AND subject_id IS NULL AND hash IS NOT NULL) AS purged, count(*) AS total
                    FROM audit_events WHERE tenant_id = \(tenant) AND seq < \(boundary)
                    """)[0]
            }
            #expect(try purgedRows.decode(Int64.self, "purged") == old && purgedRows.decode(Int64.self, "total") == old)

            let pack = try await EvidencePackTests.download(
                api, as: admin, since: Date().addingTimeInterval(-200 * 86_400), until: Date().addingTimeInterval(5))
            let outcome = EvidenceVerifier.verify(pack)
            #expect(outcome.valid, "\(outcome.findings)")
            #expect(outcome.notes.contains { $0.hasPrefix("purged before seq \(boundary):") }, "\(outcome.notes)")

            let exportPath = try Self.checkCommandLine(export: export.body, jwks: jwks, fromSeq: boundary, previousHash: previousHash)
            // For scripts/test's independent verifiers: the purged export (with where it starts) and a pack over the purge.
            if let directory = ProcessInfo.processInfo.environment["WRIT_TEST_ARTIFACTS"].map(URL.init(fileURLWithPath:)) {
                try Data(contentsOf: exportPath).write(to: directory.appendingPathComponent("audit-purged.ndjson"))
                try Data(jwks.utf8).write(to: directory.appendingPathComponent("audit-purged-jwks.json"))
                try Data("\(boundary) \(previousHash)\n".utf8).write(to: directory.appendingPathComponent("audit-purged-start.txt"))
                try Data(pack).write(to: directory.appendingPathComponent("evidence-purged.zip"))
            }
            try? FileManager.default.removeItem(at: exportPath.deletingLastPathComponent())

            // A hole after the boundary that no purge made (a retained event deleted behind Writ's
            // back) is named as a gap, not taken for a purge.
            let owner = ConnectionPool(configuration: info.migrateConfiguration)
            try await owner.withConnection { connection in
                try await connection.executeScript("SET ROLE writ_owner; ALTER TABLE writ.audit_events DISABLE TRIGGER USER")
                try await connection.execute("SELECT set_config('app.tenant_id', \(tenant), false)")
                try await connection.execute("DELETE FROM writ.audit_events WHERE tenant_id = \(tenant) AND seq = \(boundary + 1)")
                try await connection.executeScript("ALTER TABLE writ.audit_events ENABLE TRIGGER USER; RESET ROLE")
            }
            await owner.close()
            let broken = try await api.call(.get, "/v1/audit/verify", as: admin).decoded(AuditVerificationBody.self)
            #expect(broken.valid == false && broken.firstBadSeq == Int(boundary + 1), "\(broken)")
        }
    }

    /// `writ audit verify` passes the purged export when told where it starts, and names the gap when not.
    static func checkCommandLine(export: String, jwks: String, fromSeq: Int64, previousHash: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("purged-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let exportFile = directory.appendingPathComponent("export.ndjson")
        let jwksFile = directory.appendingPathComponent("jwks.json")
        try Data(export.utf8).write(to: exportFile)
        try Data(jwks.utf8).write(to: jwksFile)
        let (status, output) = try EvidencePackTests.run([
            "audit", "verify", exportFile.path, "--jwks", jwksFile.path, "--from-seq", String(fromSeq), "--previous-hash", previousHash,
        ])
        #expect(status == 0 && output.contains("valid:") && output.contains("linked to"), "\(output)")
        let (unlinked, unlinkedOutput) = try EvidencePackTests.run(["audit", "verify", exportFile.path, "--jwks", jwksFile.path])
        #expect(unlinked == 1 && unlinkedOutput.contains("gap: seq 1 is missing"), "\(unlinkedOutput)")
        let wrongHash = String(repeating: "0", count: 64)
        let (forged, forgedOutput) = try EvidencePackTests.run([
            "audit", "verify", exportFile.path, "--jwks", jwksFile.path, "--from-seq", String(fromSeq), "--previous-hash", wrongHash,
        ])
        #expect(forged == 1 && forgedOutput.contains("prev does not match"), "\(forgedOutput)")
        return exportFile
    }
}
