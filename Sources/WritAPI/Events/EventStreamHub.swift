import Foundation
import Synchronization

/// The event streams (`GET /v1/events`) open on this node, by tenant. A stream is woken when its
/// tenant's audit chain grows (`audit.appended` on `writ_events`, from any node), reads on from
/// where it is, and waits again; wake-ups coalesce, so a burst of events costs one read.
final class EventStreamHub: Sendable {
    /// What a stream is woken for.
    enum Signal: Sendable {
        /// The chain may have grown.
        case appended
        /// Time for a keep-alive and a credential check.
        case heartbeat
    }

    /// One open stream's place in the hub.
    struct Subscription: Sendable {
        let tenant: UUID
        let token: UUID
        let signals: AsyncStream<Signal>
        let continuation: AsyncStream<Signal>.Continuation
    }

    /// The most streams one tenant may hold open on one node.
    let perTenantLimit: Int
    private let streams = Mutex<[UUID: [UUID: AsyncStream<Signal>.Continuation]]>([:])
    /// Set when the node shuts down: streams end at once and no new one opens.
    private let draining = Mutex(false)

    init(perTenantLimit: Int = 50) {
        self.perTenantLimit = perTenantLimit
    }

    /// Registers a stream; `nil` when the tenant has `perTenantLimit` open here or the node is shutting down.
    func subscribe(tenant: UUID) -> Subscription? {
        let (signals, continuation) = AsyncStream<Signal>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let token = UUID()
        let registered = streams.withLock { streams -> Bool in
            guard !draining.withLock({ $0 }), streams[tenant, default: [:]].count < perTenantLimit else { return false }
            streams[tenant, default: [:]][token] = continuation
            return true
        }
        return registered ? Subscription(tenant: tenant, token: token, signals: signals, continuation: continuation) : nil
    }

    func unsubscribe(_ subscription: Subscription) {
        streams.withLock { streams in
            streams[subscription.tenant]?[subscription.token] = nil
            if streams[subscription.tenant]?.isEmpty == true { streams[subscription.tenant] = nil }
        }
        subscription.continuation.finish()
    }

    /// Wakes every stream of `tenant` on this node.
    func wake(tenant: UUID) {
        for continuation in streams.withLock({ Array(($0[tenant] ?? [:]).values) }) { continuation.yield(.appended) }
    }

    /// Wakes every stream (after the notice session reconnected: notices may have been missed).
    func wakeAll() {
        for continuation in streams.withLock({ $0.values.flatMap(\.values) }) { continuation.yield(.appended) }
    }

    /// Ends every stream now and refuses new ones: the node is shutting down.
    func drain() {
        let continuations = streams.withLock { streams in
            draining.withLock { $0 = true }
            defer { streams = [:] }
            return streams.values.flatMap(\.values)
        }
        for continuation in continuations { continuation.finish() }
    }

    /// How many streams are open on this node.
    var count: Int { streams.withLock { $0.values.reduce(0) { $0 + $1.count } } }
}
