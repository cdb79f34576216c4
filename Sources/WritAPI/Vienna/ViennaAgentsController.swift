import Foundation
import Hummingbird
import WritCore
import WritStore

/// Vienna OS's agent, policy and audit routes. Agents are registered by admins in Writ: an SDK's
/// `register` and `heartbeat` only mark the key's own agent as seen; they never change it.
struct ViennaAgentsController {
    let identity: IdentityStore
    let policyCache: PolicyCache
    let reader: AuditReader

    /// The most agents `GET /api/v1/agents` lists (vienna-os reads one unpaginated list).
    static let maxAgents = 1000

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/api/v1/agents", use: list)
        router.post("/api/v1/agents", use: register)
        router.post("/api/v1/agents/{id}/heartbeat", use: heartbeat)
        router.get("/api/v1/policies", use: policies)
        router.get("/api/v1/audit/recent", use: recentAudit)
    }

    /// vienna-os `list_agents`: every agent for people and admin keys, its own for an agent's key.
    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal(for: request)
        var agents: [Agent] = []
        if principal.canRead {
            var after: UUID?
            repeat {
                let page = try await identity.agents(tenant: principal.tenantID, page: PageRequest(after: after, limit: 100))
                agents += page.items
                after = page.nextCursor == nil ? nil : page.items.last?.id
            } while after != nil && agents.count < Self.maxAgents
        } else {
            let caller = try ViennaCaller.agent(request, context: context)
            agents = [try await identity.agent(tenant: principal.tenantID, id: caller.agentID)]
        }
        return JSONBody.response(["success": true, "data": .array(agents.prefix(Self.maxAgents).map(Self.json))])
    }

    /// vienna-sdk `register`: the agent exists already (an admin registered it); this records that
    /// it is up. Its name, capabilities and configuration are read and not applied: an agent's key
    /// must not change what policies see of the agent.
    @Sendable func register(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try ViennaCaller.agent(request, context: context)
        var body = try await ViennaBody.read(request, principal: .apiKey(caller.key), identity: identity).body
        let agentName = body.string("agent_id", maxLength: 256)
        _ = body.string(optional: "framework", maxLength: 100)
        _ = body.string(optional: "name", maxLength: 256)
        _ = body.list(optional: "capabilities", maxCount: 200) { $0.utf8.count <= 256 ? $0 : nil }
        if let config = body.value(optional: "config"), config.objectValue == nil { body.fail("config", "must be an object") }
        _ = body.date(optional: "registered_at")
        let valid = try body.finish()
        try caller.check(valid[agentName], field: "agent_id")
        let agent = try await identity.recordHeartbeat(tenant: caller.key.tenantID, agent: caller.agentID)
        return JSONBody.response([
            "agent_id": IdentityJSON.id(agent.id), "name": .string(agent.name), "registered": true, "status": "active",
            "last_seen_at": IdentityJSON.time(agent.lastSeenAt),
        ])
    }

    /// vienna-sdk `heartbeat`: `last_seen_at` on the agent. The body is the SDK's free-form status
    /// (any JSON object), signed like every other body; it is not stored.
    @Sendable func heartbeat(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try ViennaCaller.agent(request, context: context)
        try caller.check(context.parameters.get("id") ?? "", field: "The path's agent")
        _ = try await ViennaBody.read(request, principal: .apiKey(caller.key), identity: identity)
        let agent = try await identity.recordHeartbeat(tenant: caller.key.tenantID, agent: caller.agentID)
        return JSONBody.response(["agent_id": IdentityJSON.id(agent.id), "last_seen_at": IdentityJSON.time(agent.lastSeenAt)])
    }

    /// vienna-sdk `list_policies`: the rules of the policy in force for the agent's team, by what
    /// they match and what they require; conditions and rates stay private to the admins.
    @Sendable func policies(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try ViennaCaller.agent(request, context: context)
        let agent = try await caller.agent(identity: identity)
        let effective = try await policyCache.effective(tenant: caller.key.tenantID, team: agent.teamID)
        let document = effective.compiled.document
        let rules: [JSONValue] = document.rules.map { rule in
            var effect: String
            switch rule.effect {
            case .deny: effect = "deny"
            case .tier(let tier): effect = tier.rawValue
            }
            return [
                "id": .string(rule.id), "match": .object(rule.match.mapValues { .string($0.description) }), "tier": .string(effect),
                "conditional": .bool(!rule.when.isEmpty || rule.rate != nil),
            ]
        }
        return JSONBody.response([
            "policies": .array(rules), "default_tier": .string(document.defaults.tier.rawValue),
            "policy": ["id": IdentityJSON.id(effective.key), "version": .number(Double(effective.version))],
        ])
    }

    /// vienna-os `get_audit_trail`: the newest events the caller may see (as `GET /v1/events`
    /// chooses them), oldest first, each exactly as exported.
    @Sendable func recentAudit(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal(for: request)
        guard let scope = EventStreamScope(principal: principal) else {
            throw Problem.forbidden("This key may not read audit events: use a key with the admin scope or an agent's key.")
        }
        var limit = 50
        if let text = request.uri.queryParameters["limit"] {
            guard let value = Int(String(text)), (1...500).contains(value) else {
                throw Problem.invalid("The query parameters are invalid.", errors: [.init(path: "limit", message: "must be 1 to 500")])
            }
            limit = value
        }
        let events = try await reader.recent(tenant: principal.tenantID, scope: scope, limit: limit)
        let entries = try events.map { try JSONParser.parse($0.line) }
        return JSONBody.response(["entries": .array(entries), "count": .number(Double(entries.count))])
    }

    /// vienna-os `Agent`: exactly `{id, display_name, status, trust_score, agent_type}`. Writ keeps
    /// no trust score: 100 for an enabled agent, 0 for a disabled one.
    static func json(_ agent: Agent) -> JSONValue {
        [
            "id": IdentityJSON.id(agent.id), "display_name": .string(agent.name), "status": .string(agent.disabled ? "disabled" : "active"),
            "trust_score": .number(agent.disabled ? 0 : 100), "agent_type": "autonomous",
        ]
    }
}
