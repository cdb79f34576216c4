import Foundation
import Hummingbird
import WritStore

/// Teams: create, list, read, rename, delete.
struct TeamsController {
    let identity: IdentityStore

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("/v1/teams", use: create)
        router.get("/v1/teams", use: list)
        router.get("/v1/teams/{id}", use: show)
        router.patch("/v1/teams/{id}", use: rename)
        router.delete("/v1/teams/{id}", use: delete)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requireAdmin(for: request)
        var body = try await JSONRequest.read(request, context: context)
        let name = body.name("name", maxLength: 100)
        let valid = try body.finish()
        let team = try await identity.createTeam(tenant: principal.tenantID, name: valid[name], by: principal)
        return JSONBody.response(IdentityJSON.team(team), status: .created)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requireReader(for: request)
        let page = try await identity.teams(tenant: principal.tenantID, page: try RouteInput.page(request))
        return JSONBody.response(IdentityJSON.page(page, IdentityJSON.team))
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requireReader(for: request)
        return JSONBody.response(IdentityJSON.team(try await identity.team(tenant: principal.tenantID, id: try RouteInput.id(context))))
    }

    @Sendable func rename(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requireAdmin(for: request)
        let id = try RouteInput.id(context)
        var body = try await JSONRequest.read(request, context: context)
        let name = body.name("name", maxLength: 100)
        let valid = try body.finish()
        let team = try await identity.renameTeam(tenant: principal.tenantID, id: id, name: valid[name], by: principal)
        return JSONBody.response(IdentityJSON.team(team))
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requireAdmin(for: request)
        try await identity.deleteTeam(tenant: principal.tenantID, id: try RouteInput.id(context), by: principal)
        return Response(status: .noContent)
    }
}
