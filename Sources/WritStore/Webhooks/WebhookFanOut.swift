import Foundation
import Postgres
import WritCore

/// Turns the audit events committed after an endpoint's `scanned_seq` into its deliveries, and
/// advances `scanned_seq` in the same transaction: every committed change reaches every endpoint
/// subscribed to it, once, whatever crashes in between (an endpoint row is locked `SKIP LOCKED`,
/// so two nodes never fan out the same events; the unique key is the backstop).
public struct WebhookFanOut: Sendable {
    let database: Database
    /// The console's base URL, for links in Slack messages.
    let consoleURL: String
    /// The most events one endpoint takes in one pass.
    let batch: Int

    public init(database: Database, consoleURL: String, batch: Int = 500) {
        self.database = database
        self.consoleURL = consoleURL
        self.batch = batch
    }

    /// One pass over every enabled endpoint that is behind its tenant's chain; returns how many
    /// events it read (more may be waiting when it is not zero).
    @discardableResult
    public func run() async throws -> Int {
        let behind = try await database.pool.transaction { tx in
            try await tx.execute("SET LOCAL ROLE writ_job")
            return try await tx.execute(
                """
                SELECT e.tenant_id, e.id FROM webhook_endpoints e JOIN audit_heads h ON h.tenant_id = e.tenant_id
                WHERE e.disabled_at IS NULL AND e.scanned_seq < h.seq LIMIT 200
                """
            ).map { (try $0.decode(UUID.self, "tenant_id"), try $0.decode(UUID.self, "id")) }
        }
        var read = 0
        for (tenant, endpoint) in behind {
            read += try await fanOut(tenant: tenant, endpoint: endpoint)
        }
        return read
    }

    private func fanOut(tenant: UUID, endpoint: UUID) async throws -> Int {
        try await database.withTenant(tenant) { tx in
            guard
                let row = try await tx.execute(
                    """
                    SELECT scanned_seq, kind, events FROM webhook_endpoints
                    WHERE tenant_id = \(tenant) AND id = \(endpoint) AND disabled_at IS NULL FOR UPDATE SKIP LOCKED
                    """
                ).first
            else { return 0 }
            let scanned = try row.decode(Int64.self, "scanned_seq")
            let kind = try row.decodeCase(WebhookEndpoint.Kind.self, "kind")
            let wanted = Set(try row.words("events").compactMap(WebhookEventType.init(rawValue:)))
            let events = try await tx.execute(
                """
                SELECT seq, body FROM audit_events WHERE tenant_id = \(tenant) AND seq > \(scanned) AND body IS NOT NULL ORDER BY seq LIMIT \(batch)
                """
            ).map { (seq: try $0.decode(Int64.self, "seq"), event: try JSONParser.parse(try $0.decode(String.self, "body"))) }
            guard let last = events.last?.seq else { return 0 }
            let intents = try await Self.intents(tenant: tenant, ids: events.compactMap { Self.intentID(of: $0.event) }, in: tx)
            var inserts: [SQL] = []
            for (seq, event) in events {
                guard let auditType = event["type"]?.stringValue.flatMap(AuditEventType.init(rawValue:)) else {
                    throw StoreError.corrupt("type of audit event \(seq)")
                }
                for type in WebhookEventType.derived(fromAudit: auditType, data: event["data"] ?? .null) where wanted.contains(type) {
                    let intent = Self.intentID(of: event).flatMap { intents[$0] }
                    let payload =
                        kind == .slack
                        ? WebhookPayload.slack(type: type, event: event, intent: intent, consoleURL: consoleURL)
                        : WebhookPayload.standard(type: type, event: event, intent: intent)
                    inserts.append(
                        """
                        INSERT INTO webhook_deliveries (tenant_id, id, endpoint_id, seq, event_type, message_id, payload, next_attempt_at)
                        VALUES (\(tenant), \(UUIDv7.make()), \(endpoint), \(seq), \(type.rawValue),
                                \(WebhookPayload.messageID(tenant: tenant, seq: seq, type: type)), \(String(decoding: payload, as: UTF8.self)), now())
                        ON CONFLICT DO NOTHING
                        """)
                }
            }
            inserts.append("UPDATE webhook_endpoints SET scanned_seq = \(last) WHERE tenant_id = \(tenant) AND id = \(endpoint)")
            try await tx.pipeline(inserts)
            return events.count
        }
    }

    /// The intent an event is about, if any.
    static func intentID(of event: JSONValue) -> UUID? {
        guard event["subject"]?["kind"]?.stringValue.flatMap(AuditSubjectKind.init(rawValue:)) == .intent,
            let id = event["subject"]?["id"]?.stringValue
        else { return nil }
        return UUID(uuidString: id)
    }

    /// The fixed fields of these intents (what was asked, by which agent, under which tier and rules).
    static func intents(tenant: UUID, ids: [UUID], in tx: Transaction) async throws -> [UUID: JSONValue] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await tx.execute(
            """
            SELECT i.id, i.action, i.resource, i.tier, i.justification, i.team_id, i.decision, a.id AS agent_id, a.name AS agent_name
            FROM intents i JOIN agents a ON a.tenant_id = i.tenant_id AND a.id = i.agent_id
            WHERE i.tenant_id = \(tenant) AND i.id = ANY(\(Set(ids).map { $0.uuidString.lowercased() })::uuid[])
            """)
        var found: [UUID: JSONValue] = [:]
        for row in rows {
            let id = try row.decode(UUID.self, "id")
            let decision = try JSONParser.parse(try row.decode(String.self, "decision"))
            found[id] = [
                "id": .string(id.uuidString.lowercased()), "action": .string(try row.decode(String.self, "action")),
                "resource": .string(try row.decode(String.self, "resource")),
                "tier": try row.decode(String?.self, "tier").map(JSONValue.string) ?? .null,
                "justification": try row.decode(String?.self, "justification").map(JSONValue.string) ?? .null,
                "team_id": .string(try row.decode(UUID.self, "team_id").uuidString.lowercased()),
                "rules": .array(decision["rules"]?.arrayValue?.compactMap { $0["id"] } ?? []),
                "agent": [
                    "id": .string(try row.decode(UUID.self, "agent_id").uuidString.lowercased()),
                    "name": .string(try row.decode(String.self, "agent_name")),
                ],
            ]
        }
        return found
    }
}
