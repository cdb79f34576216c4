import Foundation
import Postgres
import WritCore

/// Figures for the console's overview: recent intents by day, tier and status, how long people
/// take to decide, and how much of the plan is used.
public struct IntentStatistics: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Intents of one day (UTC) with one tier and status.
    public struct DayCount: Sendable {
        public let day: Date
        /// `nil` for denied intents, which get no tier.
        public let tier: Tier?
        public let status: IntentStatus
        public let count: Int
    }

    /// What the overview shows.
    public struct Overview: Sendable {
        public let days: [DayCount]
        /// Median seconds from submission to the last recorded decision, per tier that people decide.
        public let medianSecondsToDecision: [Tier: Double]
        public let activeAgents: Int
        public let intentsThisMonth: Int
    }

    /// The last `days` days, counted at `now`.
    public func overview(tenant: UUID, days: Int, now: Date = Date()) async throws -> Overview {
        try await database.withTenant(tenant) { tx in
            let start = Calendar.utc.startOfDay(for: now).addingTimeInterval(-Double(days - 1) * 86_400)
            let counted = try await tx.execute(
                """
                SELECT date_trunc('day', created_at, 'UTC') AS day, tier, status, count(*) AS n
                FROM intents WHERE tenant_id = \(tenant) AND created_at >= \(start)
                GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
                """)
            let dayCounts = try counted.map { row in
                let statusText = try row.decode(String.self, "status")
                guard let status = IntentStatus(rawValue: statusText) else { throw StoreError.corrupt("intent status \(statusText)") }
                let tierText = try row.decode(String?.self, "tier")
                let tier = try tierText.map { text in
                    guard let tier = Tier(rawValue: text) else { throw StoreError.corrupt("intent tier \(text)") }
                    return tier
                }
                return DayCount(day: try row.decode(Date.self, "day"), tier: tier, status: status, count: try row.decode(Int.self, "n"))
            }
            let medians = try await tx.execute(
                """
                SELECT i.tier, percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM d.decided - i.created_at)) AS seconds
                FROM intents i
                JOIN LATERAL (SELECT max(ap.created_at) AS decided FROM approvals ap
                              WHERE ap.tenant_id = i.tenant_id AND ap.intent_id = i.id) d ON d.decided IS NOT NULL
                WHERE i.tenant_id = \(tenant) AND i.created_at >= \(start)
                  AND i.status IN ('approved', 'executed', 'failed', 'rejected') AND i.tier IN ('T1', 'T2', 'T3')
                GROUP BY i.tier
                """)
            var medianSeconds: [Tier: Double] = [:]
            for row in medians {
                let text = try row.decode(String.self, "tier")
                guard let tier = Tier(rawValue: text) else { throw StoreError.corrupt("intent tier \(text)") }
                medianSeconds[tier] = try row.decode(Double.self, "seconds")
            }
            let usage = try await tx.execute(
                """
                SELECT (SELECT count(*) FROM agents WHERE tenant_id = \(tenant) AND disabled_at IS NULL) AS agents,
                       (SELECT count(*) FROM intents WHERE tenant_id = \(tenant) AND created_at >= date_trunc('month', now())) AS intents
                """)[0]
            return Overview(
                days: dayCounts, medianSecondsToDecision: medianSeconds, activeAgents: try usage.decode(Int.self, "agents"),
                intentsThisMonth: try usage.decode(Int.self, "intents"))
        }
    }
}

extension Calendar {
    /// The Gregorian calendar in UTC, for day boundaries that do not move with the server's zone.
    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}
