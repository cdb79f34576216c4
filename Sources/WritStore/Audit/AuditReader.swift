import Foundation
import Postgres
import WritCore

/// Filters for browsing a tenant's audit events.
public struct AuditFilter: Sendable {
    public var type: String?
    public var actorID: String?
    public var subjectID: String?
    public var since: Date?
    public var until: Date?

    public init(type: String? = nil, actorID: String? = nil, subjectID: String? = nil, since: Date? = nil, until: Date? = nil) {
        self.type = type
        self.actorID = actorID
        self.subjectID = subjectID
        self.since = since
        self.until = until
    }
}

/// A stored checkpoint.
public struct StoredCheckpoint: Sendable {
    public let seq: Int64
    public let hash: String
    public let iat: Int64
    public let jws: String
}

/// Reads a tenant's audit chain: filtered pages, export batches, checkpoints.
public struct AuditReader: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Events after `afterSeq` matching `filter`, as export lines, at most `limit`.
    public func events(tenant: UUID, filter: AuditFilter, afterSeq: Int64, limit: Int) async throws -> [(seq: Int64, line: [UInt8])] {
        try await database.withTenant(tenant) { tx in
            let rows = try await tx.execute("""
                SELECT seq, body, hash FROM audit_events
                WHERE tenant_id = \(tenant) AND seq > \(afterSeq)
                  AND (\(filter.type)::text IS NULL OR type = \(filter.type))
                  AND (\(filter.actorID)::text IS NULL OR actor_id = \(filter.actorID))
                  AND (\(filter.subjectID)::text IS NULL OR subject_id = \(filter.subjectID))
                  AND (\(filter.since)::timestamptz IS NULL OR occurred_at >= \(filter.since))
                  AND (\(filter.until)::timestamptz IS NULL OR occurred_at < \(filter.until))
                ORDER BY seq LIMIT \(limit)
                """)
            return try rows.map { row in
                (try row.decode(Int64.self, "seq"),
                 try AuditChain.exportLine(body: Array(try row.decode(String.self, "body").utf8), hash: try row.decode(String.self, "hash")))
            }
        }
    }

    /// Checkpoints after `afterSeq`, at most `limit`.
    /// The sequence number of the tenant's newest event (0 for an empty chain).
    public func headSeq(tenant: UUID) async throws -> Int64 {
        try await database.withTenant(tenant) { tx in
            guard let row = try await tx.execute("SELECT seq FROM audit_heads WHERE tenant_id = \(tenant)").first else {
                throw StoreError.notFound("audit chain of tenant")
            }
            return try row.decode(Int64.self, "seq")
        }
    }

    public func checkpoints(tenant: UUID, afterSeq: Int64, limit: Int) async throws -> [StoredCheckpoint] {
        try await database.withTenant(tenant) { tx in
            try await tx.execute("""
                SELECT seq, hash, iat, jws FROM audit_checkpoints WHERE tenant_id = \(tenant) AND seq > \(afterSeq)
                ORDER BY seq LIMIT \(limit)
                """).map { row in
                StoredCheckpoint(
                    seq: try row.decode(Int64.self, "seq"), hash: try row.decode(String.self, "hash"),
                    iat: try row.decode(Int64.self, "iat"), jws: try row.decode(String.self, "jws"))
            }
        }
    }
}
