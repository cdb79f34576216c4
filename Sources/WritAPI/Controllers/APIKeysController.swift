import Foundation
import Hummingbird
import WritCore
import WritStore

/// API keys: create (shown once), list, revoke.
struct APIKeysController {
    let identity: IdentityStore
    let database: Database
    let keyCache: APIKeyCache

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("/v1/api-keys", use: create)
        router.get("/v1/api-keys", use: list)
        router.delete("/v1/api-keys/{id}", use: revoke)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requireAdmin(for: request)
        var body = try await JSONRequest.read(request, context: context)
        let name = body.name("name", maxLength: 100)
        let agent = body.uuid(optional: "agent_id")
        let scopes = body.list("scopes", maxCount: Scope.allCases.count, Scope.init(rawValue:))
        let audiences =
            body.list(optional: "audiences", maxCount: 20) { name in
                name.utf8.count <= 256 && PolicyInputs.isSafeName(name) ? name : nil
            } ?? []
        let expiresAt = body.date(optional: "expires_at")
        if let scopes = scopes.unchecked {
            if scopes.isEmpty { body.fail("scopes", "must name at least one of intents, warrants, admin") }
            if scopes.contains(.warrants), audiences.isEmpty {
                body.fail(
                    "audiences",
                    "is required with the warrants scope: the executors (warrant `aud`) whose warrants the key may redeem")
            }
            if !scopes.contains(.warrants), !audiences.isEmpty { body.fail("audiences", "is only for keys with the warrants scope") }
        }
        if let expiresAt, expiresAt <= Date() { body.fail("expires_at", "must be in the future") }
        let valid = try body.finish()
        let created = try await identity.createAPIKey(
            tenant: principal.tenantID, name: valid[name], agentID: agent, scopes: Array(Set(valid[scopes])).sorted(),
            audiences: Array(Set(audiences)).sorted(), expiresAt: expiresAt, by: principal)
        var json = IdentityJSON.apiKey(created.key)
        if case .object(var members) = json {
            members["key"] = .string(created.token.text)
            members["signing_secret"] = .string(created.signingSecret)
            json = .object(members)
        }
        var response = JSONBody.response(json, status: .created)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requireReader(for: request)
        let page = try await identity.apiKeys(tenant: principal.tenantID, page: try RouteInput.page(request))
        return JSONBody.response(IdentityJSON.page(page, IdentityJSON.apiKey))
    }

    @Sendable func revoke(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requireAdmin(for: request)
        try await identity.revokeAPIKey(tenant: principal.tenantID, id: try RouteInput.id(context), by: principal)
        await NodeEvents.publishCredentialsChanged(tenant: principal.tenantID, database: database, localCache: keyCache)
        return Response(status: .noContent)
    }
}
