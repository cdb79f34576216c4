import Foundation
import Postgres
import WritCore

extension IdentityStore {
    /// Creates a new signing key for the tenant and retires the active one. Retired public keys stay
    /// in the JWK Set for seven days, far longer than any warrant lives (one hour at most).
    public func rotateSigningKey(tenant: UUID, by principal: Principal, keys: SigningKeys) async throws -> String {
        let kid = try await database.withTenant(tenant) { tx in
            try await tx.execute("UPDATE signing_keys SET retired_at = now() WHERE tenant_id = \(tenant) AND retired_at IS NULL")
            return try await createSigningKey(tenant: tenant, actor: principal.actor, in: tx)
        }
        keys.invalidate(tenant: tenant)
        return kid
    }
}
