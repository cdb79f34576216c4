import Foundation
import Postgres
import WritCore
import WritCrypto

extension IdentityStore {
    /// Records a signed request's signature until `until`; `false` when it was already recorded
    /// (a replay). Expired records of the tenant are dropped on the way, so the table stays small.
    public func rememberSignedRequest(tenant: UUID, key: UUID, signature: [UInt8], until: Date) async throws -> Bool {
        try await database.withTenant(tenant) { tx in
            try await tx.execute("DELETE FROM signed_request_replays WHERE tenant_id = \(tenant) AND seen_until < now()")
            let inserted = try await tx.execute(
                """
                INSERT INTO signed_request_replays (tenant_id, key_id, signature_hash, seen_until)
                VALUES (\(tenant), \(key), \(Bytea(SHA256.hash(signature))), \(until))
                ON CONFLICT DO NOTHING
                """)
            return inserted.affectedRows == 1
        }
    }
}
