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
        try await NodeEventChannel.publish(.policyChanged, tenant: tenant, database: database)
        for _ in 0..<200 where heard.count(.policyChanged, tenant: tenant) == 0 {
            try await Task.sleep(for: .milliseconds(50))
            try await NodeEventChannel.publish(.policyChanged, tenant: tenant, database: database)
        }
        func appendTwo() async throws {
            try await database.withTenant(tenant) { tx in
                let filler = AuditEvent(type: .benchFiller, actor: .system)
                try await audit.append(contentsOf: [filler, filler], tenant: tenant, in: tx)
            }
        }
        try await appendTwo()
        try await Task.sleep(for: .seconds(1))
        #expect(heard.count(.auditAppended, tenant: tenant) == 0)

        try await AuditReader(database: database).watch(tenant: tenant)
        try await appendTwo()
        for _ in 0..<100 where heard.count(.auditAppended, tenant: tenant) == 0 {
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Task.sleep(for: .milliseconds(500))
        #expect(heard.count(.auditAppended, tenant: tenant) == 1)
        await database.close()
    }
}
