import Foundation
import Synchronization

/// Requests waiting for an intent to change (`GET /v1/intents/{id}?wait=N`), or for any intent of
/// a tenant to change (`GET /v1/approvals?wait=N`), on this node. Waits are keyed by the intent's
/// or the tenant's id (both random UUIDs, so they never collide).
///
/// Changes are published on `writ_events` as `intent.changed`; every node wakes its waiters for
/// that intent and its tenant, so a decision on one node ends a wait on another.
final class IntentWaiters: Sendable {
    private let waiting = Mutex<[UUID: [UUID: AsyncStream<Void>.Continuation]]>([:])
    /// Set when the node shuts down: waits end at once, so draining never waits for a long-poll.
    private let draining = Mutex(false)

    /// Waits until `intent` (or any intent of the tenant `intent` names) changes or `timeout` passes.
    /// The waiter is registered before `changed` runs, so a change between reading the state and
    /// waiting is never missed; a wake-up that finds nothing changed (another intent of the tenant,
    /// or every waiter woken after missed notices) waits again for the rest of the time.
    func wait(for intent: UUID, timeout: Duration, changed: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !Task.isCancelled, ContinuousClock.now < deadline {
            let token = UUID()
            let (signal, continuation) = AsyncStream<Void>.makeStream()
            let registered = waiting.withLock { waiting -> Bool in
                guard !draining.withLock({ $0 }) else { return false }
                waiting[intent, default: [:]][token] = continuation
                return true
            }
            guard registered else { return }
            defer { remove(intent: intent, token: token) }
            if try await changed() { return }
            let woken = try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    for await _ in signal { return true }
                    return true
                }
                group.addTask {
                    try? await Task.sleep(until: deadline)
                    return false
                }
                defer { group.cancelAll() }
                return try await group.next() ?? false
            }
            if !woken { return }
        }
    }

    /// Requests waiting on this node now.
    var count: Int { waiting.withLock { $0.values.reduce(0) { $0 + $1.count } } }

    /// Ends every wait on this node now and every later one at once: the node is shutting down,
    /// and each waiting request answers with the state it finds.
    func drain() {
        let continuations = waiting.withLock { waiting in
            draining.withLock { $0 = true }
            defer { waiting = [:] }
            return waiting.values.flatMap(\.values)
        }
        for continuation in continuations { continuation.finish() }
    }

    /// Wakes every waiter of `intent` on this node.
    func wakeAll(intent: UUID) {
        let continuations = waiting.withLock { $0.removeValue(forKey: intent) ?? [:] }
        for continuation in continuations.values { continuation.finish() }
    }

    /// Wakes every waiter on this node: each re-reads what it waits on. Used when notices may have
    /// been missed (the notice session reconnected, e.g. after a failover).
    func wakeEveryone() {
        let continuations = waiting.withLock { waiting in
            defer { waiting = [:] }
            return waiting.values.flatMap(\.values)
        }
        for continuation in continuations { continuation.finish() }
    }

    private func remove(intent: UUID, token: UUID) {
        let continuation = waiting.withLock { waiting -> AsyncStream<Void>.Continuation? in
            let found = waiting[intent]?.removeValue(forKey: token)
            if waiting[intent]?.isEmpty == true { waiting[intent] = nil }
            return found
        }
        continuation?.finish()
    }

    /// Wakes this node's waiters of `intent` and of its tenant at once; the other nodes learn of the
    /// change from the NOTIFY the store sent inside the transaction that made it.
    func wakeLocally(tenant: UUID, intent: UUID) {
        wakeAll(intent: intent)
        wakeAll(intent: tenant)
    }
}
