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

/// Where a reading of a tenant's chain starts (``AuditReader/start(tenant:fromSeq:)``).
public struct ChainStart: Sendable {
    /// The newest event's seq (0 for an empty chain).
    public let headSeq: Int64
    /// The first event whose body is kept (1 when nothing was purged).
    public let purgedBefore: Int64
    /// The first seq to read: the one asked for, or the purge boundary when later.
    public let fromSeq: Int64
    /// The hash event `fromSeq` links to; `nil` when `fromSeq` lies beyond the head.
    public let previousHash: String?
    /// A stored purge boundary the chain does not prove: reading ignores it, verification fails.
    public let unprovenBoundary: Int64?
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
            let rows = try await tx.execute(
                """
                SELECT seq, body, hash FROM audit_events
                WHERE tenant_id = \(tenant) AND seq > \(afterSeq) AND body IS NOT NULL
                  AND (\(filter.type)::text IS NULL OR type = \(filter.type))
                  AND (\(filter.actorID)::text IS NULL OR actor_id = \(filter.actorID))
                  AND (\(filter.subjectID)::text IS NULL OR subject_id = \(filter.subjectID))
                  AND (\(filter.since)::timestamptz IS NULL OR occurred_at >= \(filter.since))
                  AND (\(filter.until)::timestamptz IS NULL OR occurred_at < \(filter.until))
                ORDER BY seq LIMIT \(limit)
                """)
            return try rows.map { row in
                (
                    try row.decode(Int64.self, "seq"),
                    try AuditChain.exportLine(
                        body: Array(try row.decode(String.self, "body").utf8), hash: try row.decode(String.self, "hash"))
                )
            }
        }
    }

    /// The sequence number of the tenant's newest event (0 for an empty chain).
    public func headSeq(tenant: UUID) async throws -> Int64 {
        try await database.withTenant(tenant) { tx in
            guard let row = try await tx.execute("SELECT seq FROM audit_heads WHERE tenant_id = \(tenant)").first else {
                throw StoreError.notFound("audit chain of tenant")
            }
            return try row.decode(Int64.self, "seq")
        }
    }

    /// A walk of the chain found its next event purged: a purge overtook it.
    public struct OvertakenByPurge: Error, Sendable {
        /// The seq the walk expected next.
        public let seq: Int64
    }

    /// The next events of a walk of the whole chain after `afterSeq`, at most `limit`. Throws
    /// ``OvertakenByPurge`` when `afterSeq + 1` was purged meanwhile, so a walk never hands out the
    /// hole a purge left; any other hole (an event removed behind Writ's back) is returned as
    /// found, for the verifier to name.
    public func walk(tenant: UUID, afterSeq: Int64, limit: Int) async throws -> [(seq: Int64, line: [UInt8])] {
        let batch = try await events(tenant: tenant, filter: AuditFilter(), afterSeq: afterSeq, limit: limit)
        guard let first = batch.first, first.seq != afterSeq + 1 else { return batch }
        if try await start(tenant: tenant).purgedBefore > afterSeq + 1 { throw OvertakenByPurge(seq: afterSeq + 1) }
        return batch
    }

    /// Where a reading of the chain from `fromSeq` starts: never at a purged event, and never past
    /// events a boundary the chain does not prove would hide (``readableHead(tenant:in:)``).
    public func start(tenant: UUID, fromSeq: Int64 = 1) async throws -> ChainStart {
        try await database.withTenant(tenant) { tx in
            let head = try await Self.readableHead(tenant: tenant, in: tx)
            let first = max(fromSeq, head.purgedBefore)
            var previous: String? = first == 1 ? AuditChain.genesisHash : nil
            if first > 1 {
                previous = try await tx.execute("SELECT hash FROM audit_events WHERE tenant_id = \(tenant) AND seq = \(first - 1)")
                    .first?.decode(String.self, "hash")
            }
            return ChainStart(
                headSeq: head.seq, purgedBefore: head.purgedBefore, fromSeq: first, previousHash: previous,
                unprovenBoundary: head.unproven)
        }
    }

    /// Checkpoints after `afterSeq`, at most `limit`.
    public func checkpoints(tenant: UUID, afterSeq: Int64, limit: Int) async throws -> [StoredCheckpoint] {
        try await database.withTenant(tenant) { tx in
            try await tx.execute(
                """
                SELECT seq, hash, iat, jws FROM audit_checkpoints WHERE tenant_id = \(tenant) AND seq > \(afterSeq)
                ORDER BY seq LIMIT \(limit)
                """
            ).map { row in
                StoredCheckpoint(
                    seq: try row.decode(Int64.self, "seq"), hash: try row.decode(String.self, "hash"),
                    iat: try row.decode(Int64.self, "iat"), jws: try row.decode(String.self, "jws"))
            }
        }
    }
}
