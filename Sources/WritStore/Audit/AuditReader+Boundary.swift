import Foundation
import Postgres
import WritCore

/// A tenant's chain head as readers see it: where it ends and the purge boundary they may trust.
struct ReadableHead: Sendable {
    /// The newest event's seq (0 for an empty chain).
    let seq: Int64
    /// The first event whose body is kept, as proven by the chain itself (1 when nothing was purged).
    let purgedBefore: Int64
    /// A stored boundary the chain does not prove (events hidden behind Writ's back); readers
    /// then start at seq 1 and verification reports it.
    let unproven: Int64?
}

extension AuditReader {
    /// The head and purge boundary of `tenant`, read inside `tx`. A stored boundary N > 1 is
    /// trusted only when event N − 1 was purged and lies past the retention of the newest
    /// `audit.purged` event, and that event records the move to exactly N with N − 1's hash
    /// (docs/audit-format.md, "Retention and purge"); otherwise nothing is hidden from readers.
    static func readableHead(tenant: UUID, in tx: Transaction) async throws -> ReadableHead {
        guard
            let row = try await tx.execute(
                """
                SELECT h.seq, h.purged_before, b.hash AS boundary_hash, b.body IS NULL AS boundary_purged, b.occurred_at AS boundary_time,
                       CASE WHEN h.purged_before > 1 THEN (
                           SELECT r.body FROM audit_events r
                           WHERE r.tenant_id = h.tenant_id AND r.type = \(AuditEventType.auditPurged.rawValue) AND r.seq >= h.purged_before
                           ORDER BY r.seq DESC LIMIT 1) END AS record
                FROM audit_heads h LEFT JOIN audit_events b ON b.tenant_id = h.tenant_id AND b.seq = h.purged_before - 1
                WHERE h.tenant_id = \(tenant)
                """
            ).first
        else {
            throw StoreError.notFound("audit chain of tenant")
        }
        let seq = try row.decode(Int64.self, "seq")
        let stored = try row.decode(Int64.self, "purged_before")
        guard stored > 1 else { return ReadableHead(seq: seq, purgedBefore: 1, unproven: nil) }
        let proven =
            try row.decode(Bool?.self, "boundary_purged") == true
            && Self.recordProves(
                boundary: stored, hash: try row.decode(String?.self, "boundary_hash"), time: try row.decode(Date?.self, "boundary_time"),
                record: try row.decode(String?.self, "record"))
        return proven
            ? ReadableHead(seq: seq, purgedBefore: stored, unproven: nil) : ReadableHead(seq: seq, purgedBefore: 1, unproven: stored)
    }

    /// Whether the `audit.purged` event `record` moved the boundary to `boundary`, linking it to
    /// `hash`, and the event before the boundary (at `time`) was past the retention it applied.
    private static func recordProves(boundary: Int64, hash: String?, time: Date?, record: String?) -> Bool {
        guard let hash, let time, let record, let event = try? JSONParser.parse(record),
            let recordedAt = event["time"]?.stringValue.flatMap(Timestamp.parse),
            let data = event["data"], data["boundary_hash"]?.stringValue == hash,
            let before = data["before_seq"]?.numberValue, before == Double(boundary),
            let days = data["retention_days"]?.numberValue, days >= 1, days <= 1_000_000
        else { return false }
        // An hour's grace for the clocks of the node (the record's time) and the database (the
        // purge trigger's `now()`) disagreeing; the trigger itself held the real line.
        return time < recordedAt.addingTimeInterval(-days * 86_400 + 3600)
    }
}
