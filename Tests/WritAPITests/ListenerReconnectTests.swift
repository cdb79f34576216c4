import Foundation
import Postgres
import Synchronization
import Testing
import WritAPI
import WritTestSupport

/// A node whose notice session was cut (a failover, a network blip) misses the notices sent
/// meanwhile; once it reconnects it must act as if it had heard everything.
@Suite("A node's notice session reconnects without losing what it missed", .timeLimit(.minutes(3)))
struct ListenerReconnectTests {
    @Test("a decision made on another node while this node's notice session was down still ends its long-poll")
    func missedDecisionEndsLongPoll() async throws {
        // Node A's LISTEN session reaches PostgreSQL through a detour the test can cut and restore.
        let socket = try #require(ProcessInfo.processInfo.environment["WRIT_TEST_SOCKET_DIR"])
        let detour = FileManager.default.temporaryDirectory.appendingPathComponent("writ-detour-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: detour, withIntermediateDirectories: true)
        let link = detour.appendingPathComponent("run").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: socket)
        defer { try? FileManager.default.removeItem(at: detour) }

        let database = DatabaseName()
        try await TestApp.withTwoNodes(configureFirst: { configuration in
            configuration.listenDatabaseURL = configuration.databaseURL.replacingOccurrences(of: "host=\(socket) ", with: "host=\(link) ")
            database.read(from: configuration.databaseURL)
        }) { nodeA, nodeB in
            let signup = try await nodeA.signup()
            let setup = try await nodeA.agentWithKey(as: signup.credential)
            let approver = try await ApprovalFlowTests.person(nodeA, admin: signup.credential, roles: #"["operator"]"#, teams: [setup.team])
            let intent = try await nodeA.call(
                .post, "/v1/intents", as: .key(setup.key), json: #"{"action":"crm.contact.update","resource":"c/1"}"#)
            let id = try intent.decoded(IntentBody.self).id
            #expect(try intent.decoded(IntentBody.self).status == "pending_approval")

            let started = ContinuousClock.now
            let longPoll = Task { try await nodeA.call(.get, "/v1/intents/\(id)?wait=50", as: .key(setup.key)) }
            #expect(try await nodeA.longPolls(1))

            // Cut node A's notice session and keep it from reconnecting; decide on node B meanwhile.
            try FileManager.default.removeItem(atPath: link)
            let admin = ConnectionPool(configuration: PostgresConfiguration(connectionString: TestCluster.adminURL, maxConnections: 1))
            let cut = try await admin.query(
                """
                SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity
                WHERE query LIKE 'LISTEN writ_events%' AND datname = \(database.name.withLock { $0 })
                """)
            #expect(cut.count == 2, "both nodes' notice sessions")
            let decided = try await nodeB.call(
                .post, "/v1/intents/\(id)/decisions", as: approver.credential, json: #"{"decision":"approve"}"#)
            #expect(try decided.decoded(IntentBody.self).status == "approved", "\(decided.body)")
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: socket)
            await admin.close()

            let answer = try await longPoll.value
            #expect(try answer.decoded(IntentBody.self).status == "approved")
            // Woken when the session came back (within seconds), not by the 60 s wait running out.
            #expect(ContinuousClock.now - started < .seconds(40))
        }
    }
}

/// The database a node was configured with, passed from its configuration to the test body.
private final class DatabaseName: Sendable {
    let name = Mutex("")

    func read(from conninfo: String) {
        let value = conninfo.split(separator: " ").first { $0.hasPrefix("dbname=") }.map { String($0.dropFirst(7)) } ?? ""
        name.withLock { $0 = value }
    }
}
