import Foundation
import Synchronization
import WritStore

/// Compiled effective policies per (tenant, team) on this node.
///
/// Entries live at most a minute; a save on any node drops the tenant's entries on every node
/// through `policy.changed` (and at once on the saving node).
final class PolicyCache: Sendable {
    private struct Key: Hashable {
        let tenant: UUID
        let team: UUID
    }

    private struct Entry {
        let policy: EffectivePolicy
        let loadedAt: ContinuousClock.Instant
    }

    private let store: PolicyStore
    private let entries = Mutex<[Key: Entry]>([:])

    init(store: PolicyStore) {
        self.store = store
    }

    /// The team's effective policy, compiled once and reused.
    func effective(tenant: UUID, team: UUID) async throws -> EffectivePolicy {
        let key = Key(tenant: tenant, team: team)
        let now = ContinuousClock.now
        if let entry = entries.withLock({ $0[key] }), now - entry.loadedAt < .seconds(60) { return entry.policy }
        let policy = try await store.effective(tenant: tenant, team: team)
        entries.withLock { $0[key] = Entry(policy: policy, loadedAt: now) }
        return policy
    }

    func invalidate(tenant: UUID) {
        entries.withLock { entries in entries = entries.filter { $0.key.tenant != tenant } }
    }

    func invalidateAll() {
        entries.withLock { $0.removeAll() }
    }
}
