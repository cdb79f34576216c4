import Foundation
import Logging
import Postgres
import Synchronization
import Testing
import WritCore
import WritStore
import WritTestSupport

@Suite("The audit.appended notice", .timeLimit(.minutes(3)))
struct AuditNoticeTests {
    /// Notices heard on `writ_events`, by kind and tenant.
    final class Heard: Sendable {
        let notices = Mutex<[(NodeEventChannel.Kind, UUID)]>([])

        func count(_ kind: NodeEventChannel.Kind, tenant: UUID) -> Int {
            notices.withLock { $0.filter { $0.0 == kind && $0.1 == tenant }.count }
        }
    }

    @Test("appends send it only while the tenant is watched, once per transaction")
    func onlyWhileWatched() async throws {
        let info = try await TestCluster.makeMigratedDatabase()
        let database = Database(pool: ConnectionPool(configuration: info.appConfiguration(maxConnections: 4)))
        let tenant = UUID()
        let audit = AuditLog()
        try await database.withTenant(tenant) { tx in
            try await tx.execute("INSERT INTO tenants (id, name) VALUES (\(tenant), 'watched')")
            try await audit.start(tenant: tenant, in: tx)
        }
        let feed = NodeEventFeed(database: database, logger: Logger(label: "test"))
        let heard = Heard()
        let listening = Task { await feed.run() }
        let collecting = Task {
            for await event in feed.events {
                if case .notice(let kind, let from, _) = event { heard.notices.withLock { $0.append((kind, from)) } }
            }
        }
        defer {
            listening.cancel()
            collecting.cancel()
        }
        // The feed is up once a notice sent now is heard.
        #expect(
            try await eventually {
                try await NodeEventChannel.publish(.policyChanged, tenant: tenant, database: database)
                return heard.count(.policyChanged, tenant: tenant) > 0
            })
        /// Notices of one session arrive in commit order: once a marker sent afterwards is heard,
        /// anything the steps before it sent has been heard too.
        func afterMarker() async throws {
            let markers = heard.count(.signingKeyRotated, tenant: tenant)
            try await NodeEventChannel.publish(.signingKeyRotated, tenant: tenant, database: database)
            #expect(try await eventually { heard.count(.signingKeyRotated, tenant: tenant) > markers })
        }
        func appendTwo() async throws {
            try await database.withTenant(tenant) { tx in
                let filler = AuditEvent(type: .benchFiller, actor: .system)
                try await audit.append(contentsOf: [filler, filler], tenant: tenant, in: tx)
            }
        }
        try await appendTwo()
        try await afterMarker()
        #expect(heard.count(.auditAppended, tenant: tenant) == 0)

        try await AuditReader(database: database).watch(tenant: tenant)
        try await appendTwo()
        #expect(try await eventually { heard.count(.auditAppended, tenant: tenant) > 0 })
        try await afterMarker()
        #expect(heard.count(.auditAppended, tenant: tenant) == 1)
        await database.close()
    }
}
