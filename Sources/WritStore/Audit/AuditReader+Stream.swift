import Foundation
import Postgres
import WritCore

/// One event of the live stream: its place in the chain, its type, and its export line.
public struct StreamedAuditEvent: Sendable {
    public let seq: Int64
    public let type: AuditEventType
    public let line: [UInt8]
}

extension AuditReader {
    /// Marks the tenant's events as streamed for the next minute, so every append sends the
    /// `audit.appended` notice (``AuditLog`` skips it for tenants nobody watches). The update waits
    /// for any append holding the chain head, so once it returns, every later append notifies and
    /// a read of the chain sees every earlier one: nothing falls between. Written at most every 15 s.
    public func watch(tenant: UUID) async throws {
        try await database.withTenant(tenant) { tx in
            try await tx.execute(
                """
                UPDATE audit_heads SET streams_until = now() + interval '60 seconds'
                WHERE tenant_id = \(tenant) AND (streams_until IS NULL OR streams_until < now() + interval '45 seconds')
                """)
        }
    }

    /// The events after `afterSeq` (and at most `window` past it) that `scope` may see, and the
    /// sequence number the scan reached: the next call starts there, so events the scope may not
    /// see are never read twice and no visible event is skipped.
    public func stream(
        tenant: UUID, scope: EventStreamScope, afterSeq: Int64, window: Int64 = 500
    ) async throws -> (events: [StreamedAuditEvent], scannedThrough: Int64) {
        try await database.withTenant(tenant) { tx in
            let head = try await Self.readableHead(tenant: tenant, in: tx)
            // Purged events are never streamed: a scan starts at the first retained one.
            let after = max(afterSeq, head.purgedBefore - 1)
            // `afterSeq` comes from the request (Last-Event-ID): near Int64.max the sum must not trap.
            let (end, overflow) = after.addingReportingOverflow(window)
            let upper = min(head.seq, overflow ? .max : end)
            guard upper > after else { return ([], max(after, upper)) }
            let rows = try await tx.execute(
                Self.visible(
                    tenant: tenant, scope: scope, range: "seq > \(after) AND seq <= \(upper)", tail: "ORDER BY seq"))
            return (try rows.map(Self.streamed), upper)
        }
    }

    /// The newest `limit` events `scope` may see, oldest first.
    public func recent(tenant: UUID, scope: EventStreamScope, limit: Int) async throws -> [StreamedAuditEvent] {
        try await database.withTenant(tenant) { tx in
            let rows = try await tx.execute(
                Self.visible(tenant: tenant, scope: scope, range: "true", tail: "ORDER BY seq DESC LIMIT \(limit)"))
            return try rows.map(Self.streamed).reversed()
        }
    }

    /// The events of `range` (over `seq`) that `scope` may see, then `tail` (order, limit).
    private static func visible(tenant: UUID, scope: EventStreamScope, range: SQL, tail: SQL) -> SQL {
        switch scope {
        case .everything:
            "SELECT seq, type, body, hash FROM audit_events WHERE tenant_id = \(tenant) AND body IS NOT NULL AND \(range) \(tail)"
        case .intentsWarrantsAndPolicies:
            """
            SELECT seq, type, body, hash FROM audit_events
            WHERE tenant_id = \(tenant) AND body IS NOT NULL AND \(range)
              AND subject_kind = ANY(\(EventStreamScope.memberSubjectKinds.map(\.rawValue))::text[]) \(tail)
            """
        case .agent(let agent):
            // The CASE keeps the cast to the rows that are about an intent (their ids are UUIDs).
            """
            SELECT seq, type, body, hash FROM (
                SELECT e.seq, e.type, e.body, e.hash FROM audit_events e
                JOIN intents i ON i.tenant_id = e.tenant_id
                              AND i.id = CASE WHEN e.subject_kind = 'intent' THEN e.subject_id::uuid END
                WHERE e.tenant_id = \(tenant) AND e.body IS NOT NULL AND e.subject_kind = 'intent' AND i.agent_id = \(agent)
            ) visible WHERE \(range) \(tail)
            """
        }
    }

    private static func streamed(_ row: PostgresRow) throws -> StreamedAuditEvent {
        StreamedAuditEvent(
            seq: try row.decode(Int64.self, "seq"), type: try row.decodeCase(AuditEventType.self, "type"),
            line: try AuditChain.exportLine(
                body: Array(try row.decode(String.self, "body").utf8), hash: try row.decode(String.self, "hash")))
    }
}
