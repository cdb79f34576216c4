import Foundation
import Hummingbird
import WritCore
import WritStore

/// The console's overview: the last days' intents by tier and status, the median time people
/// take to decide, and how much of the plan is used.
struct OverviewController {
    let statistics: IntentStatistics
    let identity: IdentityStore

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/v1/overview", use: overview)
    }

    /// `GET /v1/overview?days=N` (1…90, default 7).
    @Sendable func overview(_ request: Request, context: AppRequestContext) async throws -> Response {
        let tenant = try context.requireReader(for: request).tenantID
        var days = 7
        if let text = request.uri.queryParameters["days"] {
            guard let value = Int(String(text)), (1...90).contains(value) else {
                throw Problem.invalid("The query parameters are invalid.", errors: [.init(path: "days", message: "must be from 1 to 90")])
            }
            days = value
        }
        let overview = try await statistics.overview(tenant: tenant, days: days)
        let (_, plan) = try await identity.tenant(tenant)
        let counts: [JSONValue] = overview.days.map {
            [
                "day": .string(String(Timestamp.format($0.day).prefix(10))), "tier": $0.tier.map { .string($0.rawValue) } ?? .null,
                "status": .string($0.status.rawValue), "count": .number(Double($0.count)),
            ]
        }
        var medians: [String: JSONValue] = [:]
        for (tier, seconds) in overview.medianSecondsToDecision { medians[tier.rawValue] = .number(seconds.rounded()) }
        return JSONBody.response([
            "days": .number(Double(days)), "counts": .array(counts), "median_seconds_to_decision": .object(medians),
            "plan": [
                "id": .string(plan.id), "max_active_agents": .number(Double(plan.maxActiveAgents)),
                "max_intents_per_month": .number(Double(plan.maxIntentsPerMonth)),
                "audit_retention_days": plan.auditRetentionDays.map { .number(Double($0)) } ?? .null,
                "active_agents": .number(Double(overview.activeAgents)), "intents_this_month": .number(Double(overview.intentsThisMonth)),
            ],
        ])
    }
}
