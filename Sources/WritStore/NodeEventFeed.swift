import Foundation
import Logging
import Postgres
import WritCore

/// The notices other nodes send on ``NodeEventChannel``, received on a session of its own that
/// reconnects when it breaks.
public final class NodeEventFeed: Sendable {
    /// What the feed delivers.
    public enum Event: Sendable {
        /// A notice: its type, tenant and JSON payload.
        case notice(NodeEventChannel.Kind, tenant: UUID, payload: JSONValue)
        /// The session was re-established; notices sent meanwhile were missed (drop caches).
        case reconnected
    }

    private let listener: NotificationListener

    public init(database: Database, logger: Logger) {
        listener = NotificationListener(configuration: database.listenerConfiguration, channels: [NodeEventChannel.name], logger: logger)
    }

    /// Listens until the calling task is cancelled.
    public func run() async {
        await listener.run()
    }

    /// Every event, in order (one consumer). Notices that do not parse are skipped.
    public var events: some AsyncSequence<Event, Never> {
        listener.events.compactMap { event in
            switch event {
            case .reconnected: return .reconnected
            case .notification(let notification):
                guard let payload = try? JSONParser.parse(notification.payload),
                    let kind = payload["type"]?.stringValue.flatMap(NodeEventChannel.Kind.init(rawValue:)),
                    let tenant = payload["tenant"]?.stringValue.flatMap(UUID.init(uuidString:))
                else { return nil }
                return .notice(kind, tenant: tenant, payload: payload)
            }
        }
    }
}

extension NodeEventChannel {
    /// Tells every node (this one included) about a change, after any transaction that made it.
    public static func publish(_ kind: Kind, tenant: UUID, extra: [String: JSONValue] = [:], database: Database) async throws {
        try await database.pool.query("SELECT pg_notify(\(name), \(payload(kind, tenant: tenant, extra: extra)))")
    }
}
