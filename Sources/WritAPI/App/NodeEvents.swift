import Foundation
import Logging
import ServiceLifecycle
import WritCore
import WritStore

/// Cross-node events over PostgreSQL LISTEN/NOTIFY on one channel, `writ_events`.
///
/// A payload is `{"type": …, "tenant": …}`. Each node listens and applies what it hears to its
/// caches; after a reconnect it drops every cache, since notifications may have been missed.
struct NodeEvents: Service {
    static let channel = NodeEventChannel.name

    let database: Database
    let keyCache: APIKeyCache
    let policyCache: PolicyCache
    let waiters: IntentWaiters
    let eventStreams: EventStreamHub
    let signingKeys: SigningKeys
    let logger: Logger

    /// Drops this node's cached keys of a tenant at once and tells every other node to do the same.
    static func publishCredentialsChanged(tenant: UUID, database: Database, localCache: APIKeyCache) async {
        localCache.invalidate(tenant: tenant)
        await publish(.credentialsChanged, tenant: tenant, database: database)
    }

    /// Drops this node's compiled policies of a tenant at once and tells every other node to do the same.
    static func publishPolicyChanged(tenant: UUID, database: Database, localCache: PolicyCache) async {
        localCache.invalidate(tenant: tenant)
        await publish(.policyChanged, tenant: tenant, database: database)
    }

    static func publish(_ kind: NodeEventChannel.Kind, tenant: UUID, database: Database, extra: [String: JSONValue] = [:]) async {
        do {
            try await NodeEventChannel.publish(kind, tenant: tenant, extra: extra, database: database)
        } catch {
            // The caches' one-minute expiry still bounds how long a stale entry can live.
            Logger(label: "writ.events").error("could not broadcast a change", metadata: ["type": "\(kind.rawValue)", "error": "\(error)"])
        }
    }

    func run() async throws {
        let listener = NodeEventFeed(database: database, logger: logger)
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

    private func handle(_ event: NodeEventFeed.Event) {
        switch event {
        case .reconnected:
            keyCache.invalidateAll()
            policyCache.invalidateAll()
            signingKeys.invalidateAll()
            // A decision made while the session was down sent its notice to nobody.
            waiters.wakeEveryone()
            eventStreams.wakeAll()
        case .notice(let kind, let tenant, let payload):
            switch kind {
            case .credentialsChanged: keyCache.invalidate(tenant: tenant)
            case .policyChanged: policyCache.invalidate(tenant: tenant)
            case .signingKeyRotated: signingKeys.invalidate(tenant: tenant)
            case .intentChanged:
                if let intent = payload["intent"]?.stringValue.flatMap(UUID.init(uuidString:)) { waiters.wakeAll(intent: intent) }
                waiters.wakeAll(intent: tenant)
            case .auditAppended: eventStreams.wake(tenant: tenant)
            }
        }
    }
}
