import Foundation
import Postgres
import WritCore
import WritCrypto

/// Proves at start-up that the node's master key is the one this database's secrets were sealed
/// with: the first node seals a marker with its key; every later node must open it.
public enum MasterKeyCheck {
    /// The node's master key does not open what the database holds.
    public struct MismatchError: Error, CustomStringConvertible, Sendable {
        public var description: String {
            "WRIT_MASTER_KEY is not the key this database's secrets were sealed with: API keys, sessions "
                + "and signing keys would all be refused. Start every node with the original key (after a "
                + "restore: the key that was in use when the backup was taken)."
        }
    }

    private static let context = "writ/master-key-check/v1"
    private static let marker = Array("writ master key".utf8)

    /// Throws ``MismatchError`` when the stored marker does not open. Without a marker (a database
    /// from before the check), the key must first open a signing key already stored; then the
    /// marker is stored.
    public static func verify(keys: KeyRing, database: Database) async throws {
        let sealer = keys.sealer
        let stored: [UInt8]?
        do {
            stored = try await database.pool.query("SELECT sealed FROM master_key_check WHERE id = 1").first?
                .decode(Bytea.self, "sealed").bytes
        } catch let error as PostgresError where error.sqlState == "42P01" {
            // A schema older than the check: the node reports its pending migrations as not ready.
            return
        }
        if let stored {
            guard (try? sealer.open(stored, context: context)) == marker else { throw MismatchError() }
            return
        }
        guard try await opensExistingSigningKey(sealer, database: database) else { throw MismatchError() }
        // The first node's marker wins a race; every node then checks the one stored.
        try await database.pool.query(
            "INSERT INTO master_key_check (id, sealed) VALUES (1, \(Bytea(try sealer.seal(marker, context: context)))) ON CONFLICT (id) DO NOTHING"
        )
        let sealed = try await database.pool.query("SELECT sealed FROM master_key_check WHERE id = 1").first?.decode(Bytea.self, "sealed")
        guard let sealed, (try? sealer.open(sealed.bytes, context: context)) == marker else { throw MismatchError() }
    }

    /// Whether `sealer` opens one tenant's signing key; true when no tenant has one yet.
    private static func opensExistingSigningKey(_ sealer: Sealer, database: Database) async throws -> Bool {
        let tenant = try await database.pool.transaction { tx in
            try await tx.execute("SET LOCAL ROLE writ_job")
            return try await tx.execute("SELECT tenant_id FROM audit_heads LIMIT 1").first?.decode(UUID.self, "tenant_id")
        }
        guard let tenant else { return true }
        let row = try await database.withTenant(tenant) { tx in
            try await tx.execute("SELECT kid, sealed_private_key FROM signing_keys WHERE tenant_id = \(tenant) LIMIT 1").first
        }
        guard let row else { return true }
        let kid = try row.decode(String.self, "kid")
        let sealed = try row.decode(Bytea.self, "sealed_private_key").bytes
        return (try? sealer.open(sealed, context: "signing-key:\(tenant.uuidString.lowercased()):\(kid)")) != nil
    }
}
