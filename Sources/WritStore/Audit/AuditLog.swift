import Foundation
import Postgres
import WritCore
import WritCrypto

/// Appends events to a tenant's hash chain inside the caller's transaction.
///
/// Every state change in Writ goes through ``append(_:tenant:in:)`` in the same transaction as
/// the change, so the change and its record commit or roll back together. The chain head row is
/// locked `FOR UPDATE`, which serializes appenders of one tenant; `PRIMARY KEY (tenant_id, seq)`
/// is the backstop against a gap or a fork. With signing keys, every 1,000th event since the last
/// checkpoint is followed at once by a signed checkpoint event.
public struct AuditLog: Sendable {
    /// The most events between two checkpoints.
    public static let checkpointInterval: Int64 = 1000
    let signingKeys: SigningKeys?

    public init(signingKeys: SigningKeys? = nil) {
        self.signingKeys = signingKeys
    }

    /// Creates the tenant's empty chain. Call once, in the transaction that creates the tenant.
    public func start(tenant: UUID, in transaction: Transaction) async throws {
        try await transaction.execute(
            """
            INSERT INTO audit_heads (tenant_id, seq, hash) VALUES (\(tenant), 0, \(AuditChain.genesisHash))
            """)
    }

    /// Appends `event` as the tenant's next link; returns its sequence number.
    @discardableResult
    public func append(_ event: AuditEvent, tenant: UUID, in transaction: Transaction) async throws -> Int64 {
        try await append(contentsOf: [event], tenant: tenant, in: transaction)[0]
    }

    /// Appends `events` in order under one head lock with one INSERT per run between checkpoints;
    /// returns their sequence numbers. The group committer uses it to commit many appends at once.
    @discardableResult
    public func append(contentsOf events: [AuditEvent], tenant: UUID, in transaction: Transaction) async throws -> [Int64] {
        let head = try await lockHead(tenant: tenant, in: transaction)
        let planned = try await statements(appending: events, tenant: tenant, after: head, in: transaction)
        try await transaction.pipeline(planned.statements)
        return planned.seqs
    }

    /// The statements that append `events` after `head` (locked by the caller), checkpoints
    /// included when due, for the caller to send in one round trip (usually with its COMMIT).
    func statements(
        appending events: [AuditEvent], tenant: UUID, after start: Head, in transaction: Transaction
    ) async throws -> (statements: [SQL], seqs: [Int64]) {
        var head = start
        var statements: [SQL] = []
        var seqs: [Int64] = []
        var run: [(seq: Int64, time: Date, event: AuditEvent, link: AuditChain.Link)] = []
        for event in events {
            let seq = head.seq + 1
            let time = Date()
            let link = AuditChain.link(event, tenant: tenant.uuidString.lowercased(), seq: seq, time: time, previousHash: head.hash)
            run.append((seq, time, event, link))
            seqs.append(seq)
            let usage = head.usage
            head = Head(
                seq: seq, hash: link.hash, checkpointSeq: head.checkpointSeq, checkpointAt: head.checkpointAt, watched: head.watched)
            head.usage = usage
            if signingKeys != nil, seq - head.checkpointSeq >= Self.checkpointInterval {
                statements += Self.insert(run, tenant: tenant, head: head)
                run.removeAll()
                let checkpoint = try await checkpointStatements(tenant: tenant, head: head, in: transaction)
                statements += checkpoint.statements
                head = checkpoint.head
            }
        }
        if !run.isEmpty { statements += Self.insert(run, tenant: tenant, head: head) }
        return (statements, seqs)
    }

    private static func insert(
        _ run: [(seq: Int64, time: Date, event: AuditEvent, link: AuditChain.Link)], tenant: UUID, head: Head
    ) -> [SQL] {
        func column(_ value: (Int) -> String?) -> TextArray { TextArray(run.indices.map(value)) }
        return [
            """
            INSERT INTO audit_events (tenant_id, seq, occurred_at, type, actor_kind, actor_id, subject_kind, subject_id, body, hash)
            SELECT \(tenant), s::bigint, t::timestamptz, ty, ak, ai, sk, si, b, h
            FROM unnest(\(column { String(run[$0].seq) })::text[], \(column { run[$0].time.postgresText })::text[],
                        \(column { run[$0].event.type.rawValue })::text[], \(column { run[$0].event.actor.kind.rawValue })::text[],
                        \(column { run[$0].event.actor.id })::text[], \(column { run[$0].event.subject?.kind.rawValue })::text[],
                        \(column { run[$0].event.subject?.id })::text[],
                        \(column { String(decoding: run[$0].link.body, as: UTF8.self) })::text[], \(column { run[$0].link.hash })::text[])
                 AS u(s, t, ty, ak, ai, sk, si, b, h)
            """,
            headUpdate(tenant: tenant, head: head),
        ] + (head.watched ? [NodeEventChannel.auditAppended(tenant: tenant)] : [])
    }

    /// The head's new seq and hash, with the month's intent count when a submission carries one.
    private static func headUpdate(tenant: UUID, head: Head) -> SQL {
        guard let usage = head.usage else {
            return "UPDATE audit_heads SET seq = \(head.seq), hash = \(head.hash) WHERE tenant_id = \(tenant)"
        }
        return """
            UPDATE audit_heads SET seq = \(head.seq), hash = \(head.hash), month_intents = \(usage.intents), usage_month = \(usage.month)::date
            WHERE tenant_id = \(tenant)
            """
    }

    /// The chain head, locked until the transaction ends.
    struct Head {
        let seq: Int64
        let hash: String
        var checkpointSeq: Int64 = 0
        var checkpointAt: Date?
        /// Whether some node streams the tenant's events (`streams_until` lies ahead): only then do
        /// appends send the `audit.appended` notice.
        var watched = false
        /// The month (`YYYY-MM-01`) and its intent count to store with the head (a submission's).
        var usage: (month: String, intents: Int)?

        init(seq: Int64, hash: String, checkpointSeq: Int64 = 0, checkpointAt: Date? = nil, watched: Bool = false) {
            self.seq = seq
            self.hash = hash
            self.checkpointSeq = checkpointSeq
            self.checkpointAt = checkpointAt
            self.watched = watched
        }

        /// From a row with `seq`, `hash`, `checkpoint_seq`, `checkpoint_at` and `watched`
        /// (`coalesce(streams_until > now(), false)`).
        init(_ row: PostgresRow) throws {
            self.init(
                seq: try row.decode(Int64.self, "seq"), hash: try row.decode(String.self, "hash"),
                checkpointSeq: try row.decode(Int64.self, "checkpoint_seq"), checkpointAt: try row.decode(Date?.self, "checkpoint_at"),
                watched: try row.decode(Bool.self, "watched"))
        }
    }

    func lockHead(tenant: UUID, in transaction: Transaction, skipLocked: Bool = false) async throws -> Head {
        let rows = try await transaction.execute(Self.lockHeadStatement(tenant, skipLocked: skipLocked))
        guard let row = rows.first else { throw StoreError.notFound("audit chain of tenant") }
        return try Head(row)
    }

    /// The statement that locks the tenant's chain head and reads it.
    static func lockHeadStatement(_ tenant: UUID, skipLocked: Bool = false) -> SQL {
        let lock: SQL = skipLocked ? "FOR UPDATE SKIP LOCKED" : "FOR UPDATE"
        return """
            SELECT seq, hash, checkpoint_seq, checkpoint_at, coalesce(streams_until > now(), false) AS watched
            FROM audit_heads WHERE tenant_id = \(tenant) \(lock)
            """
    }

    /// Signs `{tenant, seq, hash, iat}` for the locked `head` and appends it as an `audit.checkpoint` event.
    /// Returns the head after the checkpoint event.
    @discardableResult
    func checkpoint(tenant: UUID, head: Head, in transaction: Transaction) async throws -> Head {
        let checkpoint = try await checkpointStatements(tenant: tenant, head: head, in: transaction)
        try await transaction.pipeline(checkpoint.statements)
        return checkpoint.head
    }

    /// The statements of a checkpoint after `head`, and the head after them.
    private func checkpointStatements(tenant: UUID, head: Head, in transaction: Transaction) async throws -> (statements: [SQL], head: Head)
    {
        guard let signingKeys else { throw StoreError.invalid("no signing keys to sign checkpoints with") }
        let key = try await signingKeys.activeKey(tenant: tenant, in: transaction)
        let iat = Int64(Date().timeIntervalSince1970)
        let jws = try AuditCheckpoint.sign(
            tenant: tenant.uuidString.lowercased(), seq: head.seq, hash: head.hash, iat: iat, kid: key.kid, key: key.key)
        let event = AuditEvent(
            type: .auditCheckpoint, actor: .system, subject: .init(kind: .auditCheckpoint, id: String(head.seq)),
            data: ["seq": .number(Double(head.seq)), "hash": .string(head.hash), "iat": .number(Double(iat)), "jws": .string(jws)])
        let seq = head.seq + 1
        let time = Date()
        let link = AuditChain.link(event, tenant: tenant.uuidString.lowercased(), seq: seq, time: time, previousHash: head.hash)
        var after = Head(seq: seq, hash: link.hash, checkpointSeq: seq, checkpointAt: time, watched: head.watched)
        after.usage = head.usage
        return (
            Self.insert([(seq, time, event, link)], tenant: tenant, head: after) + [
                """
                INSERT INTO audit_checkpoints (tenant_id, seq, hash, iat, kid, jws, event_seq)
                VALUES (\(tenant), \(head.seq), \(head.hash), \(iat), \(key.kid), \(jws), \(seq))
                """,
                "UPDATE audit_heads SET checkpoint_seq = \(seq), checkpoint_at = now() WHERE tenant_id = \(tenant)",
            ], after
        )
    }
}
