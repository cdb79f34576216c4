import Foundation
import Logging
import Postgres
import ServiceLifecycle
import WritCore
import WritStore

/// Cross-node events over PostgreSQL LISTEN/NOTIFY on one channel, `writ_events`.
///
/// A payload is `{"type": …, "tenant": …}`. Each node listens and applies what it hears to its
/// caches; after a reconnect it drops every cache, since notifications may have been missed.
struct NodeEvents: Service {
    static let channel = NodeEventChannel.name

    let pool: ConnectionPool
    let listenerConfiguration: PostgresConfiguration
    let keyCache: APIKeyCache
    let policyCache: PolicyCache
    let waiters: IntentWaiters
    let signingKeys: SigningKeys
    let logger: Logger

    /// Drops this node's cached keys of a tenant at once and tells every other node to do the same.
    static func publishCredentialsChanged(tenant: UUID, pool: ConnectionPool, localCache: APIKeyCache) async {
        localCache.invalidate(tenant: tenant)
        await publish("credentials.changed", tenant: tenant, pool: pool)
    }

    /// Drops this node's compiled policies of a tenant at once and tells every other node to do the same.
    static func publishPolicyChanged(tenant: UUID, pool: ConnectionPool, localCache: PolicyCache) async {
        localCache.invalidate(tenant: tenant)
        await publish("policy.changed", tenant: tenant, pool: pool)
    }

    static func publish(_ type: String, tenant: UUID, pool: ConnectionPool, extra: [String: JSONValue] = [:]) async {
        let payload = NodeEventChannel.payload(type, tenant: tenant, extra: extra)
        do {
            try await pool.query("SELECT pg_notify(\(channel), \(payload))")
        } catch {
            // The caches' one-minute expiry still bounds how long a stale entry can live.
            Logger(label: "writ.events").error("could not broadcast a change", metadata: ["type": "\(type)", "error": "\(error)"])
        }
    }

    func run() async throws {
        let listener = NotificationListener(configuration: listenerConfiguration, channels: [Self.channel], logger: logger)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await listener.run() }
            group.addTask {
                for await event in listener.events { handle(event) }
            }
            group.addTask {
                // Cancellation at shutdown ends the loop; it is not an error.
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(5))
                    await keyCache.flushUsage()
                }
            }
            try? await gracefulShutdown()
            await keyCache.flushUsage()
            group.cancelAll()
        }
    }

    private func handle(_ event: NotificationListener.ListenerEvent) {
        switch event {
        case .reconnected:
            keyCache.invalidateAll()
            policyCache.invalidateAll()
            signingKeys.invalidateAll()
        case .notification(let notification):
            guard let payload = try? JSONParser.parse(notification.payload),
                  let tenant = payload["tenant"]?.stringValue.flatMap(UUID.init(uuidString:))
            else { return }
            switch payload["type"]?.stringValue {
            case "credentials.changed": keyCache.invalidate(tenant: tenant)
            case "policy.changed": policyCache.invalidate(tenant: tenant)
            case "signing_key.rotated": signingKeys.invalidate(tenant: tenant)
            case "intent.changed":
                if let intent = payload["intent"]?.stringValue.flatMap(UUID.init(uuidString:)) { waiters.wakeAll(intent: intent) }
                waiters.wakeAll(intent: tenant)
            default: break
            }
        }
    }
}
