import Foundation
import Hummingbird
import WritStore

/// Rotation of a tenant's warrant and checkpoint signing key.
struct SigningKeysController {
    let identity: IdentityStore
    let signingKeys: SigningKeys
    let database: Database

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("/v1/signing-keys/rotate", use: rotate)
    }

    @Sendable func rotate(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requireAdmin(for: request)
        let kid = try await identity.rotateSigningKey(tenant: principal.tenantID, by: principal, keys: signingKeys)
        await NodeEvents.publish(.signingKeyRotated, tenant: principal.tenantID, database: database)
        return JSONBody.response(["kid": .string(kid)], status: .created)
    }
}
