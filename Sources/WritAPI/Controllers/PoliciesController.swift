import Foundation
import Hummingbird
import WritCore
import WritStore

/// Tenant default and team policies: read, save (new version), versions.
struct PoliciesController {
    let policies: PolicyStore
    let cache: PolicyCache
    let database: Database

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/v1/policy") { request, context in try await current(request, context, team: nil) }
        router.put("/v1/policy") { request, context in try await save(request, context, team: nil) }
        router.get("/v1/policy/versions") { request, context in try await versions(request, context, team: nil) }
        router.get("/v1/policy/versions/{version}") { request, context in try await current(request, context, team: nil, numbered: true) }
        router.get("/v1/teams/{id}/policy") { request, context in try await current(request, context, team: try RouteInput.id(context)) }
        router.put("/v1/teams/{id}/policy") { request, context in try await save(request, context, team: try RouteInput.id(context)) }
        router.get("/v1/teams/{id}/policy/versions") { request, context in
            try await versions(request, context, team: try RouteInput.id(context))
        }
        router.get("/v1/teams/{id}/policy/versions/{version}") { request, context in
            try await current(request, context, team: try RouteInput.id(context), numbered: true)
        }
    }

    private func current(_ request: Request, _ context: AppRequestContext, team: UUID?, numbered: Bool = false) async throws -> Response {
        let principal = try context.requireReader(for: request)
        var number: Int?
        if numbered {
            guard let text = context.parameters.get("version"), let value = Int32(text), value >= 1 else { throw Problem.notFound() }
            number = Int(value)
        }
        guard let version = try await policies.version(tenant: principal.tenantID, team: team, number: number) else {
            throw Problem.notFound(team == nil ? "The tenant has no default policy." : "This team has no policy of its own yet.")
        }
        return JSONBody.response(Self.json(version, withDocument: true))
    }

    private func save(_ request: Request, _ context: AppRequestContext, team: UUID?) async throws -> Response {
        let principal = try context.requireAdmin(for: request)
        let document = try await PolicyInputs.document(request, context: context)
        let comment = request.uri.queryParameters["comment"].map { String($0) }
        if let comment, comment.count > 500 || !VisibleText.isVisible(comment) {
            throw Problem.invalid(
                "The comment is invalid.",
                errors: [
                    .init(
                        path: "comment",
                        message: "must be at most 500 visible characters (no bidi overrides, zero-width characters or line separators)")
                ])
        }
        let version = try await policies.save(
            tenant: principal.tenantID, team: team, document: document, comment: comment, author: principal.actor)
        await NodeEvents.publishPolicyChanged(tenant: principal.tenantID, database: database, localCache: cache)
        return JSONBody.response(["version": .number(Double(version))])
    }

    private func versions(_ request: Request, _ context: AppRequestContext, team: UUID?) async throws -> Response {
        let principal = try context.requireReader(for: request)
        let limit = try RouteInput.longListLimit(request)
        let before = try RouteInput.numericCursor(request, max: Int64(Int32.max)).map { Int($0) }
        let found = try await policies.versions(tenant: principal.tenantID, team: team, before: before, limit: limit + 1)
        let items = found.prefix(limit).map { Self.json($0, withDocument: false) }
        let next = found.count > limit ? RouteInput.cursor(for: Int64(found[limit - 1].version)) : nil
        return JSONBody.response(["items": .array(Array(items)), "next_cursor": next.map(JSONValue.string) ?? .null])
    }

    static func json(_ version: PolicyVersion, withDocument: Bool) -> JSONValue {
        var value: [String: JSONValue] = [
            "version": .number(Double(version.version)), "comment": version.comment.map(JSONValue.string) ?? .null,
            "author": ["kind": .string(version.author.kind.rawValue), "id": version.author.id.map(JSONValue.string) ?? .null],
            "created_at": .string(Timestamp.format(version.createdAt)),
            "team_id": version.teamID.map { .string($0.uuidString.lowercased()) } ?? .null,
        ]
        if withDocument { value["document"] = version.document }
        return .object(value)
    }
}
