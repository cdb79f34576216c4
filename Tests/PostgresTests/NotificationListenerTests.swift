import Foundation
import Postgres
import Testing
import WritTestSupport

@Suite("LISTEN/NOTIFY", .timeLimit(.minutes(3)))
struct NotificationListenerTests {
    @Test("a notification sent on one connection reaches the listener")
    func notificationArrives() async throws {
        let channel = TestDatabase.uniqueName("chan")
        let listener = NotificationListener(
            configuration: PostgresConfiguration(connectionString: TestDatabase.url), channels: [channel])
        let listening = Task { await listener.run() }
        let pool = TestDatabase.pool(size: 1)
        // Keep notifying until the listener has subscribed and reports one; a notify that fails
        // (a slow machine refusing a connection) is only one attempt of many.
        let sender = Task {
            for attempt in 0..<200 {
                _ = try? await pool.query("SELECT pg_notify(\(channel), \("hello \(attempt)"))")
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        var iterator = listener.events.makeAsyncIterator()
        let event = await iterator.next()
        guard case .notification(let notification) = event else {
            Issue.record("expected a notification, got \(String(describing: event))")
            return
        }
        #expect(notification.channel == channel)
        #expect(notification.payload.hasPrefix("hello "))
        sender.cancel()
        listening.cancel()
        await pool.close()
    }

    @Test("the listener reconnects after its backend is killed and says so")
    func listenerReconnects() async throws {
        let channel = TestDatabase.uniqueName("chan")
        let listener = NotificationListener(
            configuration: PostgresConfiguration(connectionString: TestDatabase.url, applicationName: channel),
            channels: [channel])
        let listening = Task { await listener.run() }
        let pool = TestDatabase.pool(size: 1)
        // Wait until the listener's session is listening (its last statement was the LISTEN), then kill it.
        let killed = try await eventually(every: .milliseconds(25)) {
            try await !pool.query(
                """
                SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity
                WHERE application_name = \(channel) AND state = 'idle' AND query LIKE 'LISTEN%'
                """
            ).isEmpty
        }
        #expect(killed)
        let sender = Task {
            for attempt in 0..<200 {
                _ = try? await pool.query("SELECT pg_notify(\(channel), \("after \(attempt)"))")
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        var sawReconnect = false
        var sawNotification = false
        for await event in listener.events {
            switch event {
            case .reconnected: sawReconnect = true
            case .notification(let notification):
                #expect(notification.payload.hasPrefix("after "))
                sawNotification = sawReconnect
            }
            if sawNotification { break }
        }
        #expect(sawReconnect)
        #expect(sawNotification)
        sender.cancel()
        listening.cancel()
        await pool.close()
    }
}
