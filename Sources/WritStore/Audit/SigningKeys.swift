import Foundation
import Postgres
import Synchronization
import WritCore
import WritCrypto

/// Each tenant's Ed25519 signing keys: the active private key (unsealed on first use and kept in
/// memory) for warrants and checkpoints, and the public keys for the JWK Set.
public final class SigningKeys: Sendable {
    /// A tenant's active key.
    public struct ActiveKey: Sendable {
        public let kid: String
        public let key: Ed25519.PrivateKey
    }

    /// A public key as the JWK Set lists it.
    public struct PublicKey: Sendable {
        public let kid: String
        public let key: Ed25519.PublicKey
        public let retiredAt: Date?
    }

    private let sealer: Sealer
    private let active = Mutex<[UUID: ActiveKey]>([:])

    public init(keys: KeyRing) {
        self.sealer = keys.sealer
    }

    /// The tenant's newest unretired key, read inside the caller's tenant transaction.
    public func activeKey(tenant: UUID, in tx: Transaction) async throws -> ActiveKey {
        if let cached = active.withLock({ $0[tenant] }) { return cached }
        let rows = try await tx.execute(
            """
            SELECT kid, sealed_private_key FROM signing_keys
            WHERE tenant_id = \(tenant) AND retired_at IS NULL ORDER BY created_at DESC LIMIT 1
            """)
        guard let row = rows.first else { throw StoreError.notFound("signing key") }
        let kid = try row.decode(String.self, "kid")
        let seed = try sealer.open(
            try row.decode(Bytea.self, "sealed_private_key").bytes, context: "signing-key:\(tenant.uuidString.lowercased()):\(kid)")
        let key = ActiveKey(kid: kid, key: try Ed25519.PrivateKey(rawRepresentation: seed))
        active.withLock { $0[tenant] = key }
        return key
    }

    /// The tenant's newest unretired key, in a transaction of its own.
    public func activeKey(tenant: UUID, database: Database) async throws -> ActiveKey {
        try await database.withTenant(tenant) { tx in try await activeKey(tenant: tenant, in: tx) }
    }

    /// Public keys still needed to verify what they signed: active ones and those retired less than
    /// `grace` ago; with no grace, every key the tenant ever had (to verify old checkpoints).
    public func publicKeys(tenant: UUID, database: Database, grace: TimeInterval? = 7 * 24 * 3600) async throws -> [PublicKey] {
        try await database.withTenant(tenant) { tx in
            let rows = try await tx.execute(
                """
                SELECT kid, public_key, retired_at FROM signing_keys
                WHERE tenant_id = \(tenant)
                  AND (\(grace)::float8 IS NULL OR retired_at IS NULL OR retired_at > now() - make_interval(secs => \(grace)))
                ORDER BY created_at
                """)
            return try rows.map { row in
                PublicKey(
                    kid: try row.decode(String.self, "kid"),
                    key: try Ed25519.PublicKey(rawRepresentation: try row.decode(Bytea.self, "public_key").bytes),
                    retiredAt: try row.decode(Date?.self, "retired_at"))
            }
        }
    }

    /// Forgets every cached key (after missed notifications).
    public func invalidateAll() {
        active.withLock { $0.removeAll() }
    }

    /// Forgets a tenant's cached active key (after a rotation).
    public func invalidate(tenant: UUID) {
        active.withLock { _ = $0.removeValue(forKey: tenant) }
    }
}
