import Foundation
import Hummingbird
import WritCore
import WritStore

/// Agents: register, list, read, change, disable.
struct AgentsController {
    let identity: IdentityStore
    let database: Database
    let keyCache: APIKeyCache

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("/v1/agents", use: create)
        router.get("/v1/agents", use: list)
        router.get("/v1/agents/{id}", use: show)
        router.patch("/v1/agents/{id}", use: update)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requireAdmin(for: request)
        var body = try await JSONRequest.read(request, context: context)
        let name = body.name("name", maxLength: 100)
        let team = body.uuid("team_id")
        let owner = body.uuid(optional: "owner_id")
        let labels = body.labels(optional: "labels") ?? [:]
        let valid = try body.finish()
        let agent = try await identity.createAgent(
            tenant: principal.tenantID, name: valid[name], teamID: valid[team], ownerID: owner, labels: labels, by: principal)
        return JSONBody.response(IdentityJSON.agent(agent), status: .created)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requireReader(for: request)
        let page = try await identity.agents(tenant: principal.tenantID, page: try RouteInput.page(request))
        return JSONBody.response(IdentityJSON.page(page, IdentityJSON.agent))
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requireReader(for: request)
        return JSONBody.response(IdentityJSON.agent(try await identity.agent(tenant: principal.tenantID, id: try RouteInput.id(context))))
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requireAdmin(for: request)
        let id = try RouteInput.id(context)
        var body = try await JSONRequest.read(request, context: context)
        var changes = AgentChanges()
        changes.name = body.name(optional: "name", maxLength: 100)
        changes.teamID = body.uuid(optional: "team_id")
        if body.has("owner_id") { changes.ownerID = .some(body.uuid(optional: "owner_id")) }
        changes.labels = body.labels(optional: "labels")
        changes.disabled = body.bool(optional: "disabled")
        try body.finish()
        let agent = try await identity.updateAgent(tenant: principal.tenantID, id: id, changes: changes, by: principal)
        // Keys carry their agent (name, team, labels, owner, state): every change drops them from the caches.
        await NodeEvents.publishCredentialsChanged(tenant: principal.tenantID, database: database, localCache: keyCache)
        return JSONBody.response(IdentityJSON.agent(agent))
    }
}

extension JSONRequest {
    /// Optional agent labels: an object of up to 32 string values, keys up to 64 characters, values up to 256.
    mutating func labels(optional key: String) -> [String: String]? {
        guard let value = value(optional: key) else { return nil }
        guard case .object(let members) = value else {
            fail(key, "must be an object of strings")
            return nil
        }
        guard members.count <= 32 else {
            fail(key, "must have at most 32 labels")
            return nil
        }
        var labels: [String: String] = [:]
        var valid = true
        for (name, member) in members.sorted(by: { $0.key < $1.key }) {
            // Labels are shown to approvers and matched by policies: visible characters only, like names.
            guard case .string(let text) = member, !name.isEmpty, name.count <= 64, text.count <= 256,
                VisibleText.isVisible(name), VisibleText.isVisible(text)
            else {
                fail(
                    pointer: "/\(JSONRequest.escape(key))/\(JSONRequest.escape(name))",
                    "must be a string of at most 256 visible characters under a name of 1 to 64 visible characters")
                valid = false
                continue
            }
            labels[name] = text
        }
        return valid ? labels : nil
    }
}
