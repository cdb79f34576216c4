import Foundation
import Synchronization
import WritCore
import WritCrypto
import WritStore

/// Authenticated API keys cached on this node, so a known key costs no database round trip.
///
/// Entries expire after a minute at the latest; any revocation or agent change in a tenant is
/// broadcast by NOTIFY and drops all of that tenant's entries on every node at once. Uses are
/// remembered and written as `last_used_at` in batches off the request path.
final class APIKeyCache: Sendable {
    private struct Entry {
        let principal: KeyPrincipal
        let cachedAt: ContinuousClock.Instant
    }

    private let store: IdentityStore
    private let hasher: KeyedHasher
    private let entries = Mutex<[[UInt8]: Entry]>([:])
    private let used = Mutex<[UUID: Set<UUID>]>([:])
    static let maxAge: Duration = .seconds(60)

    init(store: IdentityStore, keys: KeyRing) {
        self.store = store
        self.hasher = keys.hasher
    }

    /// The principal of a live key, from the cache when possible.
    func authenticate(_ token: APIKeyToken) async throws -> KeyPrincipal? {
        let hash = hasher.hash(token.text)
        let now = ContinuousClock.now
        let cached = entries.withLock { $0[hash] }
        let principal: KeyPrincipal
        if let cached, now - cached.cachedAt < Self.maxAge {
            principal = cached.principal
        } else {
            guard let loaded = try await store.authenticateAPIKey(token) else {
                entries.withLock { _ = $0.removeValue(forKey: hash) }
                return nil
            }
            principal = loaded
            entries.withLock { $0[hash] = Entry(principal: loaded, cachedAt: now) }
        }
        if let expiresAt = principal.expiresAt, expiresAt <= Date() { return nil }
        used.withLock { _ = $0[principal.tenantID, default: []].insert(principal.keyID) }
        return principal
    }

    /// Drops every cached key of a tenant (after a revocation or an agent change).
    func invalidate(tenant: UUID) {
        entries.withLock { entries in entries = entries.filter { $0.value.principal.tenantID != tenant } }
    }

    /// Drops everything (after missed notifications).
    func invalidateAll() {
        entries.withLock { $0.removeAll() }
    }

    /// Writes the batched `last_used_at` updates.
    func flushUsage() async {
        let batch = used.withLock { used in
            defer { used.removeAll() }
            return used
        }
        for (tenant, keys) in batch {
            try? await store.markKeysUsed(tenant: tenant, keys: Array(keys))
        }
    }
}
