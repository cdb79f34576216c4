import Foundation
import HTTPTypes
import Postgres
import Testing
import WritCore
import WritStore
import WritTestSupport

/// Security review II, finding 2: the serving role could move the purge boundary over recent
/// events and every reader started after them.
@Suite("The purge boundary moves only over purged events", .timeLimit(.minutes(3)))
struct PurgeBoundaryTests {
    @Test("writ_app cannot move the boundary; one moved behind Writ's back hides nothing and verification fails")
    func boundaryIsEnforcedAndChecked() async throws {
        try await TestApp.withServer(configure: { $0.auditPurge = false }) { api, info in
            let signup = try await api.signup()
            let admin = signup.credential
            let tenant = try #require(UUID(uuidString: signup.tenant))
            let setup = try await api.agentWithKey(as: admin)
            for index in 0..<3 {
                _ = try await api.call(
                    .post, "/v1/intents", as: .key(setup.key), json: #"{"action":"s3.read","resource":"recent/\#(index)"}"#)
            }
            let database = Database(pool: ConnectionPool(configuration: info.appConfiguration(maxConnections: 2)))
            defer { Task { await database.pool.close() } }
            let head = try await AuditReader(database: database).start(tenant: tenant).headSeq

            // As the serving role: no UPDATE on the column, and the owner's function refuses to
            // pass over events that still have their bodies.
            await #expect(throws: PostgresError.self) {
                try await database.withTenant(tenant) { tx in
                    try await tx.execute("UPDATE audit_heads SET purged_before = seq - 1 WHERE tenant_id = \(tenant)")
                }
            }
            await #expect(throws: PostgresError.self) {
                try await database.withTenant(tenant) { tx in
                    try await tx.execute("SELECT advance_audit_purge(\(tenant)::uuid, \(head - 1)::bigint)")
                }
            }

            // The owner (or a restored dump) moves it anyway: readers do not trust it.
            let owner = ConnectionPool(configuration: info.migrateConfiguration)
            try await owner.withConnection { connection in
                try await connection.execute("SELECT set_config('app.tenant_id', \(tenant), false)")
                try await connection.execute("UPDATE writ.audit_heads SET purged_before = \(head - 1) WHERE tenant_id = \(tenant)")
            }
            await owner.close()

            let verification = try await api.call(.get, "/v1/audit/verify", as: admin)
            let verified = try verification.decoded(AuditVerificationBody.self)
            #expect(verified.valid == false && verified.firstBadSeq == Int(head - 2), "\(verified)")
            #expect(verified.reason?.contains("purge boundary") == true, "\(verified)")
            #expect(try verification.decoded(JSONValue.self)["purged_before"] == nil, "\(verified)")

            let export = try await api.call(.get, "/v1/audit/export", as: admin)
            #expect(export.headers[.init("Writ-Audit-From-Seq")!] == "1")
            #expect(export.headers[.init("Writ-Audit-Purged-Before")!] == nil)
            #expect(export.body.split(separator: "\n").count >= Int(head))

            let stream = try await EventStreamClient(port: try #require(api.client.port), bearer: setup.key, lastEventID: 0)
            defer { stream.close() }
            let streamed = await stream.next(1)
            #expect(streamed.first?.type == "intent.submitted" && streamed.first.map { $0.id < head - 1 } == true, "\(streamed)")

            let pack = try await EvidencePackTests.download(
                api, as: admin, since: Date().addingTimeInterval(-3600), until: Date().addingTimeInterval(5))
            let outcome = EvidenceVerifier.verify(pack)
            #expect(outcome.valid && !outcome.notes.contains { $0.hasPrefix("purged before") }, "\(outcome.notes) \(outcome.findings)")
        }
    }

    @Test("writ_app cannot roll the chain head back, move it onto a made-up hash, or set numbers that overflow")
    func headMovesOnlyForward() async throws {
        try await TestApp.withServer(configure: { $0.auditPurge = false }) { api, info in
            let signup = try await api.signup()
            let tenant = try #require(UUID(uuidString: signup.tenant))
            let setup = try await api.agentWithKey(as: signup.credential)
            for index in 0..<3 {
                _ = try await api.call(.post, "/v1/intents", as: .key(setup.key), json: #"{"action":"s3.read","resource":"h/\#(index)"}"#)
            }
            let database = Database(pool: ConnectionPool(configuration: info.appConfiguration(maxConnections: 2)))
            defer { Task { await database.pool.close() } }
            let head = try await AuditReader(database: database).start(tenant: tenant).headSeq
            for change: SQL in [
                "UPDATE audit_heads SET seq = seq - 2, hash = (SELECT hash FROM audit_events WHERE tenant_id = \(tenant) AND seq = \(head - 2)) WHERE tenant_id = \(tenant)",
                "UPDATE audit_heads SET hash = repeat('a', 64) WHERE tenant_id = \(tenant)",
                "UPDATE audit_heads SET seq = 9223372036854775807 WHERE tenant_id = \(tenant)",
                "UPDATE audit_heads SET checkpoint_seq = -9223372036854775808 WHERE tenant_id = \(tenant)",
                "UPDATE audit_heads SET checkpoint_seq = 9223372036854775807 WHERE tenant_id = \(tenant)",
                "UPDATE audit_heads SET month_intents = 9223372036854775807 WHERE tenant_id = \(tenant)",
            ] {
                await #expect(throws: PostgresError.self, "\(change)") {
                    try await database.withTenant(tenant) { tx in try await tx.execute(change) }
                }
            }
            // The chain goes on as before.
            #expect(
                try await api.call(.post, "/v1/intents", as: .key(setup.key), json: #"{"action":"s3.read","resource":"h/4"}"#).status
                    == .created)
            let verified = try await api.call(.get, "/v1/audit/verify", as: signup.credential).decoded(AuditVerificationBody.self)
            #expect(verified.valid == true && verified.checked > Int(head), "\(verified)")
        }
    }
}
