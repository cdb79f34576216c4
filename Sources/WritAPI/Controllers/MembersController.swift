import Foundation
import Hummingbird
import WritCore
import WritStore

/// Members: invite, list, read, change roles and teams, remove.
struct MembersController {
    let identity: IdentityStore

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("/v1/members", use: invite)
        router.get("/v1/members", use: list)
        router.get("/v1/members/{id}", use: show)
        router.patch("/v1/members/{id}", use: update)
        router.delete("/v1/members/{id}", use: remove)
    }

    @Sendable func invite(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requireAdmin(for: request)
        var body = try await JSONRequest.read(request, context: context)
        let email = body.email("email")
        let roles = body.roles("roles")
        let teams = body.list(optional: "teams", maxCount: 100, UUID.init(uuidString:)) ?? []
        let valid = try body.finish()
        let (tenant, _) = try await identity.tenant(principal.tenantID)
        // The link goes to the invited address only: the response never carries it, so whoever
        // accepts has shown they read that mailbox.
        let member = try await identity.invite(
            tenant: principal.tenantID, email: valid[email], roles: valid[roles], teams: teams, by: principal, inviterName: tenant.name)
        return JSONBody.response(IdentityJSON.member(member), status: .created)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requireReader(for: request)
        let page = try await identity.members(tenant: principal.tenantID, page: try RouteInput.page(request))
        return JSONBody.response(IdentityJSON.page(page, IdentityJSON.member))
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requireReader(for: request)
        return JSONBody.response(IdentityJSON.member(try await identity.member(tenant: principal.tenantID, id: try RouteInput.id(context))))
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requireAdmin(for: request)
        let id = try RouteInput.id(context)
        var body = try await JSONRequest.read(request, context: context)
        let roles = body.roles(optional: "roles")
        let teams = body.list(optional: "teams", maxCount: 100, UUID.init(uuidString:))
        try body.finish()
        let member = try await identity.updateMember(tenant: principal.tenantID, id: id, roles: roles, teams: teams, by: principal)
        return JSONBody.response(IdentityJSON.member(member))
    }

    @Sendable func remove(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requireAdmin(for: request)
        try await identity.removeMember(tenant: principal.tenantID, id: try RouteInput.id(context), by: principal)
        return Response(status: .noContent)
    }
}

extension String {
    /// The string without one trailing `suffix`.
    func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
