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

    /// Throws ``MismatchError`` when the stored marker does not open; stores one when there is none.
    public static func verify(keys: KeyRing, database: Database) async throws {
        let sealer = keys.sealer
        let fresh = try sealer.seal(marker, context: context)
        // The first node's marker wins a race; every node then checks the one stored.
        do {
            try await database.pool.query(
                """
                INSERT INTO master_key_check (id, sealed) VALUES (1, \(Bytea(fresh))) ON CONFLICT (id) DO NOTHING
                """)
        } catch let error as PostgresError where error.sqlState == "42P01" {
            // A schema older than the check: the node reports its pending migrations as not ready.
            return
        }
        let rows = try await database.pool.query("SELECT sealed FROM master_key_check WHERE id = 1")
        guard let row = rows.first else { throw StoreError.corrupt("master key marker") }
        let opened = try? sealer.open(try row.decode(Bytea.self, "sealed").bytes, context: context)
        guard opened == marker else { throw MismatchError() }
    }
}
