import Foundation
import Hummingbird
import WritCore
import WritCrypto
import WritStore

/// The public JWK Set of each tenant's signing keys (CONTRACT §2).
struct KeysController {
    let signingKeys: SigningKeys
    let database: Database

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/v1/tenants/{tenant_id}/jwks.json", use: jwks)
    }

    @Sendable func jwks(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let tenant = context.parameters.get("tenant_id").flatMap(UUID.init(uuidString:)) else { throw Problem.notFound() }
        let keys = try await signingKeys.publicKeys(tenant: tenant, database: database)
        guard !keys.isEmpty else { throw Problem.notFound("No such tenant.") }
        var response = JSONBody.response(Self.set(keys), contentType: "application/jwk-set+json")
        response.headers[.cacheControl] = "public, max-age=60"
        return response
    }

    /// The RFC 7517 JWK Set of `keys`.
    static func set(_ keys: [SigningKeys.PublicKey]) -> JSONValue {
        [
            "keys": .array(
                keys.map { key in
                    [
                        "kty": "OKP", "crv": "Ed25519", "kid": .string(key.kid), "x": .string(Base64URL.encode(key.key.rawRepresentation)),
                        "alg": "EdDSA", "use": "sig",
                    ]
                })
        ]
    }
}
