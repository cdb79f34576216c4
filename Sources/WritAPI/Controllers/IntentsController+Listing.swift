import Foundation
import Hummingbird
import WritCore
import WritStore

extension IntentsController {
    /// `GET /v1/intents`: newest first, filtered by `status`, `tier`, `team_id`, `agent_id`,
    /// `since` and `until`. Members and admin keys see the tenant's intents; an agent's key only its own.
    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal(for: request)
        var filter = try Self.filter(request)
        if case .apiKey(let key) = principal, !key.scopes.contains(.admin) {
            guard key.scopes.contains(.intents), let agent = key.agentID else {
                throw Problem.forbidden("List intents with a member's session, an admin key or an agent's intents key.")
            }
            if let asked = filter.agentID, asked != agent { return JSONBody.response(["items": [], "next_cursor": .null]) }
            filter.agentID = agent
        }
        let page = try RouteInput.page(request)
        let found = try await intents.list(tenant: principal.tenantID, filter: filter, before: page.after, limit: page.limit)
        return JSONBody.response([
            "items": .array(found.items.map { Self.json($0, bearer: nil) }), "next_cursor": found.nextCursor.map(JSONValue.string) ?? .null,
        ])
    }

    private static func filter(_ request: Request) throws -> IntentFilter {
        let query = request.uri.queryParameters
        var errors: [Problem.FieldError] = []
        func parsed<Value>(_ name: String, _ message: String, _ parse: (String) -> Value?) -> Value? {
            guard let text = query[Substring(name)].map(String.init) else { return nil }
            guard let value = parse(text) else {
                errors.append(.init(path: name, message: message))
                return nil
            }
            return value
        }
        let filter = IntentFilter(
            status: parsed(
                "status", "must be one of \(IntentStatus.allCases.map(\.rawValue).joined(separator: ", "))", IntentStatus.init(rawValue:)),
            tier: parsed("tier", "must be T0, T1, T2 or T3", Tier.init(rawValue:)),
            teamID: parsed("team_id", "must be a UUID", UUID.init(uuidString:)),
            agentID: parsed("agent_id", "must be a UUID", UUID.init(uuidString:)),
            since: parsed("since", Timestamp.requirement, Timestamp.parse),
            until: parsed("until", Timestamp.requirement, Timestamp.parse))
        guard errors.isEmpty else { throw Problem.invalid("The query parameters are invalid.", errors: errors) }
        return filter
    }
}
