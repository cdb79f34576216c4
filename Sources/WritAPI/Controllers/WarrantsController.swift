import Foundation
import Hummingbird
import WritCore
import WritStore

/// Verifying, redeeming and revoking warrants.
struct WarrantsController {
    let warrants: WarrantStore
    let signingKeys: SigningKeys
    let database: Database

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("/v1/warrants/verify", use: verify)
        router.post("/v1/warrants/{jti}/redeem", use: redeem)
        router.post("/v1/warrants/{jti}/revoke", use: revoke)
    }

    /// Same rules as offline verification, plus revocation and redemption; anyone with the tenant id may ask.
    @Sendable func verify(_ request: Request, context: AppRequestContext) async throws -> Response {
        var body = try await JSONRequest.read(request, context: context)
        // A T3 warrant lists every approval; 64 KiB holds far more than any quorum needs.
        let token = body.secret("warrant", maxBytes: 64 * 1024)
        let tenant = body.uuid("tenant_id")
        let valid = try body.finish()
        let tenantID = try valid[tenant]
        let keys = try await signingKeys.publicKeys(tenant: tenantID, database: database)
        let result = try Warrant.verify(
            valid[token], keys: Dictionary(keys.map { ($0.kid, $0.key) }, uniquingKeysWith: { first, _ in first }),
            tenant: tenantID.uuidString.lowercased())
        switch result {
        case .failure(let error):
            return JSONBody.response(["valid": false, "reason": .string(error.refusal.rawValue)])
        case .success(let claims):
            guard let state = try await warrants.state(tenant: tenantID, jti: claims.jti) else {
                return JSONBody.response(["valid": false, "reason": "unknown_warrant"])
            }
            if state.revoked { return JSONBody.response(["valid": false, "reason": "revoked"]) }
            if state.redeemed { return JSONBody.response(["valid": false, "reason": "redeemed"]) }
            return JSONBody.response(["valid": true, "claims": claims.json])
        }
    }

    /// Single use: the first call succeeds, every later (or concurrent) one gets 409.
    @Sendable func redeem(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal(for: request)
        guard case .apiKey(let key) = principal, key.scopes.contains(.warrants) else {
            throw Problem.forbidden("Redeem warrants with an executor's API key that has the warrants scope.")
        }
        let jti = try Self.jti(context)
        switch try await warrants.redeem(tenant: key.tenantID, jti: jti, audiences: key.audiences, by: principal.actor) {
        case .redeemed: return JSONBody.response(["jti": .string(jti), "redeemed": true])
        case .notFound: throw Problem.notFound("No such warrant.")
        case .alreadyUsed: throw Self.conflict("The warrant was already redeemed.")
        case .revoked: throw Self.conflict("The warrant was revoked.")
        case .expired: throw Self.conflict("The warrant has expired.")
        case .wrongAudience:
            throw Problem.forbidden("This warrant is meant for another executor: its `aud` is not among this key's audiences.")
        }
    }

    @Sendable func revoke(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requireAdmin(for: request)
        guard try await warrants.revoke(tenant: principal.tenantID, jti: try Self.jti(context), by: principal.actor) else {
            throw Problem.notFound("No such warrant.")
        }
        return Response(status: .noContent)
    }

    static func jti(_ context: AppRequestContext) throws -> String {
        guard let jti = context.parameters.get("jti"), (16...64).contains(jti.count),
            jti.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_") })
        else { throw Problem.notFound("No such warrant.") }
        return jti
    }

    private static func conflict(_ detail: String) -> Problem {
        Problem(status: .conflict, type: "warrant-unusable", title: "Warrant cannot be redeemed", detail: detail)
    }
}
