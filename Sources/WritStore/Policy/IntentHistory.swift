import Foundation
import Postgres
import WritCore

/// A recorded intent as a backtest replays it.
public struct RecordedIntent: Sendable {
    public let id: UUID
    public let createdAt: Date
    public let input: PolicyInput
    /// `deny`, or the tier it was given.
    public let outcome: String
    /// Counts for the draft's rate rules as they stood when the intent arrived.
    public let rateCounts: [CompiledPolicy.RateQuery: Int]
}

/// Reads recorded intents for the policy engine: recent counts for rate rules, history for backtests.
public struct IntentHistory: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// The counts each rate query asks for, for an intent by `agent` of `team` arriving now.
    public func rateCounts(
        tenant: UUID, team: UUID, agent: UUID?, queries: Set<CompiledPolicy.RateQuery>
    ) async throws -> [CompiledPolicy.RateQuery: Int] {
        guard !queries.isEmpty else { return [:] }
        return try await database.withTenant(tenant) { tx in
            try await Self.rateCounts(tenant: tenant, team: team, agent: agent, queries: queries, in: tx)
        }
    }

    /// The same counts inside the caller's transaction.
    static func rateCounts(
        tenant: UUID, team: UUID, agent: UUID?, queries: Set<CompiledPolicy.RateQuery>, in tx: Transaction
    ) async throws -> [CompiledPolicy.RateQuery: Int] {
        let ordered = Array(queries)
        let rows = try await tx.pipeline(ordered.map { rateCount($0, tenant: tenant, team: team, agent: agent) })
        var counts: [CompiledPolicy.RateQuery: Int] = [:]
        for (index, query) in ordered.enumerated() { counts[query] = try rows[index][0].decode(Int.self, "n") }
        return counts
    }

    /// The statement counting what one rate query asks for (column `n`).
    static func rateCount(_ query: CompiledPolicy.RateQuery, tenant: UUID, team: UUID, agent: UUID?) -> SQL {
        let scope: SQL =
            switch query.scope {
            case .agent: "AND agent_id = \(agent)"
            case .team: "AND team_id = \(team)"
            case .tenant: ""
            }
        return """
            SELECT count(*) AS n FROM intents
            WHERE tenant_id = \(tenant) \(scope) AND created_at > now() - make_interval(secs => \(query.seconds))
            """
    }

    /// Up to `limit` intents of `team` created in `[since, until)`, after the (time, id) cursor,
    /// oldest first, with the rate counts `queries` need computed as of each intent.
    public func replay(
        tenant: UUID, team: UUID, since: Date, until: Date, after: (Date, UUID)?, limit: Int,
        queries: [CompiledPolicy.RateQuery]
    ) async throws -> [RecordedIntent] {
        var columns: SQL = ""
        for (index, query) in queries.enumerated() {
            let scope: SQL =
                switch query.scope {
                case .agent: "AND o.agent_id = i.agent_id"
                case .team: "AND o.team_id = i.team_id"
                case .tenant: ""
                }
            columns.append(
                """
                , (SELECT count(*) FROM intents o WHERE o.tenant_id = i.tenant_id \(scope)
                   AND o.created_at > i.created_at - make_interval(secs => \(query.seconds)) AND o.created_at < i.created_at) AS \(unsafeSQL: "rate_\(index)")
                """)
        }
        let afterTime = after?.0 ?? Date(timeIntervalSince1970: 0)
        let afterID = after?.1 ?? UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
        return try await database.withTenant(tenant) { tx in
            let rows = try await tx.execute(
                """
                SELECT i.id, i.created_at, i.action, i.resource, i.params, i.target, i.justification, i.agent_id, i.outcome, i.tier,
                       a.name AS agent_name, a.labels::text AS agent_labels \(columns)
                FROM intents i LEFT JOIN agents a ON a.tenant_id = i.tenant_id AND a.id = i.agent_id
                WHERE i.tenant_id = \(tenant) AND i.team_id = \(team) AND i.created_at >= \(since) AND i.created_at < \(until)
                  AND (i.created_at, i.id) > (\(afterTime), \(afterID))
                ORDER BY i.created_at, i.id LIMIT \(limit)
                """)
            return try rows.map { row in
                var labels: [String: String] = [:]
                if let text = try row.decode(String?.self, "agent_labels"), let object = try JSONParser.parse(text).objectValue {
                    for (key, value) in object { labels[key] = value.stringValue }
                }
                var counts: [CompiledPolicy.RateQuery: Int] = [:]
                for (index, query) in queries.enumerated() { counts[query] = try row.decode(Int.self, "rate_\(index)") }
                let input = PolicyInput(
                    action: try row.decode(String.self, "action"), resource: try row.decode(String.self, "resource"),
                    params: try JSONParser.parse(try row.decode(String.self, "params")), target: try row.decode(String?.self, "target"),
                    justification: try row.decode(String?.self, "justification"),
                    agentID: try row.decode(UUID?.self, "agent_id")?.uuidString.lowercased(),
                    agentName: try row.decode(String?.self, "agent_name"),
                    agentLabels: labels, teamID: team.uuidString.lowercased())
                let outcome = try Self.outcome(row)
                return RecordedIntent(
                    id: try row.decode(UUID.self, "id"), createdAt: try row.decode(Date.self, "created_at"),
                    input: input, outcome: outcome, rateCounts: counts)
            }
        }
    }

    /// `deny`, or the tier an allowed intent was given (which it must have).
    private static func outcome(_ row: PostgresRow) throws -> String {
        guard try row.decode(String.self, "outcome") != "deny" else { return "deny" }
        guard let tier = try row.decodeCase(Tier?.self, "tier") else { throw StoreError.corrupt("tier of an allowed intent") }
        return tier.rawValue
    }
}
