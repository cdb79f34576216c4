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

    /// Why a stream could not open.
    enum Refusal: Error, Equatable {
        /// The tenant holds `perTenantLimit` streams on this node.
        case tenantFull
        /// The credential (one API key, or one person) holds `perHolderLimit` streams on this node.
        case holderFull
        /// The node is shutting down.
        case draining
    }

    private struct Entry {
        let holder: String
        let continuation: AsyncStream<Signal>.Continuation
    }

    /// The most streams one tenant may hold open on one node.
    let perTenantLimit: Int
    /// The most streams one credential may hold open on one node, so one key cannot take every
    /// slot of its tenant.
    let perHolderLimit: Int
    private let streams = Mutex<[UUID: [UUID: Entry]]>([:])
    /// Set when the node shuts down: streams end at once and no new one opens.
    private let draining = Mutex(false)

    init(perTenantLimit: Int = 50, perHolderLimit: Int = 10) {
        self.perTenantLimit = perTenantLimit
        self.perHolderLimit = perHolderLimit
    }

    /// Registers a stream of `holder` (an API key's or a person's id) in `tenant`.
    func subscribe(tenant: UUID, holder: String) throws(Refusal) -> Subscription {
        let (signals, continuation) = AsyncStream<Signal>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let token = UUID()
        let refusal = streams.withLock { streams -> Refusal? in
            if draining.withLock({ $0 }) { return .draining }
            let open = streams[tenant, default: [:]]
            if open.count >= perTenantLimit { return .tenantFull }
            if open.values.count(where: { $0.holder == holder }) >= perHolderLimit { return .holderFull }
            streams[tenant, default: [:]][token] = Entry(holder: holder, continuation: continuation)
            return nil
        }
        if let refusal { throw refusal }
        return Subscription(tenant: tenant, token: token, signals: signals, continuation: continuation)
    }

    /// Releases the stream's slot at once and ends its signals.
    func unsubscribe(_ subscription: Subscription) {
        streams.withLock { streams in
            streams[subscription.tenant]?[subscription.token] = nil
            if streams[subscription.tenant]?.isEmpty == true { streams[subscription.tenant] = nil }
        }
        subscription.continuation.finish()
    }

    /// Wakes every stream of `tenant` on this node.
    func wake(tenant: UUID) {
        for entry in streams.withLock({ Array(($0[tenant] ?? [:]).values) }) { entry.continuation.yield(.appended) }
    }

    /// Wakes every stream (after the notice session reconnected: notices may have been missed).
    func wakeAll() {
        for entry in streams.withLock({ $0.values.flatMap(\.values) }) { entry.continuation.yield(.appended) }
    }

    /// Ends every stream now and refuses new ones: the node is shutting down.
    func drain() {
        let continuations = streams.withLock { streams in
            draining.withLock { $0 = true }
            defer { streams = [:] }
            return streams.values.flatMap(\.values)
        }
        for entry in continuations { entry.continuation.finish() }
    }

    /// How many streams are open on this node.
    var count: Int { streams.withLock { $0.values.reduce(0) { $0 + $1.count } } }
}
