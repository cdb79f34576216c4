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
        try await transaction.execute("""
            INSERT INTO audit_heads (tenant_id, seq, hash) VALUES (\(tenant), 0, \(AuditChain.genesisHash))
            """)
    }

    /// Appends `event` as the tenant's next link; returns its sequence number.
    @discardableResult
    public func append(_ event: AuditEvent, tenant: UUID, in transaction: Transaction) async throws -> Int64 {
        let head = try await lockHead(tenant: tenant, in: transaction)
        let seq = try await write(event, tenant: tenant, after: head, in: transaction)
        if signingKeys != nil, seq.seq - head.checkpointSeq >= Self.checkpointInterval {
            try await checkpoint(tenant: tenant, head: seq, in: transaction)
        }
        return seq.seq
    }

    /// Appends `events` in order under one head lock with one INSERT per run between checkpoints;
    /// returns their sequence numbers. The group committer uses it to commit many appends at once.
    @discardableResult
    public func append(contentsOf events: [AuditEvent], tenant: UUID, in transaction: Transaction) async throws -> [Int64] {
        var head = try await lockHead(tenant: tenant, in: transaction)
        var seqs: [Int64] = []
        var run: [(seq: Int64, time: Date, event: AuditEvent, link: AuditChain.Link)] = []
        for event in events {
            let seq = head.seq + 1
            let time = Date()
            let link = AuditChain.link(event, tenant: tenant.uuidString.lowercased(), seq: seq, time: time, previousHash: head.hash)
            run.append((seq, time, event, link))
            seqs.append(seq)
            head = Head(seq: seq, hash: link.hash, checkpointSeq: head.checkpointSeq, checkpointAt: head.checkpointAt)
            if signingKeys != nil, seq - head.checkpointSeq >= Self.checkpointInterval {
                try await insert(run, tenant: tenant, head: head, in: transaction)
                run.removeAll()
                head = try await checkpoint(tenant: tenant, head: head, in: transaction)
            }
        }
        if !run.isEmpty { try await insert(run, tenant: tenant, head: head, in: transaction) }
        return seqs
    }

    private func insert(
        _ run: [(seq: Int64, time: Date, event: AuditEvent, link: AuditChain.Link)], tenant: UUID, head: Head, in transaction: Transaction
    ) async throws {
        func column(_ value: (Int) -> String?) -> TextArray { TextArray(run.indices.map(value)) }
        try await transaction.execute("""
            INSERT INTO audit_events (tenant_id, seq, occurred_at, type, actor_kind, actor_id, subject_kind, subject_id, body, hash)
            SELECT \(tenant), s::bigint, t::timestamptz, ty, ak, ai, sk, si, b, h
            FROM unnest(\(column { String(run[$0].seq) })::text[], \(column { run[$0].time.postgresText })::text[],
                        \(column { run[$0].event.type })::text[], \(column { run[$0].event.actor.kind })::text[],
                        \(column { run[$0].event.actor.id })::text[], \(column { run[$0].event.subject?.kind })::text[],
                        \(column { run[$0].event.subject?.id })::text[],
                        \(column { String(decoding: run[$0].link.body, as: UTF8.self) })::text[], \(column { run[$0].link.hash })::text[])
                 AS u(s, t, ty, ak, ai, sk, si, b, h)
            """)
        try await transaction.execute("UPDATE audit_heads SET seq = \(head.seq), hash = \(head.hash) WHERE tenant_id = \(tenant)")
    }

    /// The chain head, locked until the transaction ends.
    struct Head {
        let seq: Int64
        let hash: String
        var checkpointSeq: Int64 = 0
        var checkpointAt: Date?
    }

    func lockHead(tenant: UUID, in transaction: Transaction, skipLocked: Bool = false) async throws -> Head {
        let lock: SQL = skipLocked ? "FOR UPDATE SKIP LOCKED" : "FOR UPDATE"
        let rows = try await transaction.execute("""
            SELECT seq, hash, checkpoint_seq, checkpoint_at FROM audit_heads WHERE tenant_id = \(tenant) \(lock)
            """)
        guard let row = rows.first else { throw StoreError.notFound("audit chain of tenant") }
        return Head(
            seq: try row.decode(Int64.self, "seq"), hash: try row.decode(String.self, "hash"),
            checkpointSeq: try row.decode(Int64.self, "checkpoint_seq"), checkpointAt: try row.decode(Date?.self, "checkpoint_at"))
    }

    /// Writes `event` after `head` and advances the head; returns the new head.
    private func write(_ event: AuditEvent, tenant: UUID, after head: Head, in transaction: Transaction) async throws -> Head {
        let seq = head.seq + 1
        let time = Date()
        let link = AuditChain.link(
            event, tenant: tenant.uuidString.lowercased(), seq: seq, time: time, previousHash: head.hash)
        try await transaction.execute("""
            INSERT INTO audit_events (tenant_id, seq, occurred_at, type, actor_kind, actor_id, subject_kind, subject_id, body, hash)
            VALUES (\(tenant), \(seq), \(time), \(event.type), \(event.actor.kind), \(event.actor.id),
                    \(event.subject?.kind), \(event.subject?.id), \(String(decoding: link.body, as: UTF8.self)), \(link.hash))
            """)
        try await transaction.execute("UPDATE audit_heads SET seq = \(seq), hash = \(link.hash) WHERE tenant_id = \(tenant)")
        return Head(seq: seq, hash: link.hash, checkpointSeq: head.checkpointSeq, checkpointAt: head.checkpointAt)
    }

    /// Signs `{tenant, seq, hash, iat}` for the locked `head` and appends it as an `audit.checkpoint` event.
    /// Returns the head after the checkpoint event.
    @discardableResult
    func checkpoint(tenant: UUID, head: Head, in transaction: Transaction) async throws -> Head {
        guard let signingKeys else { throw StoreError.invalid("no signing keys to sign checkpoints with") }
        let key = try await signingKeys.activeKey(tenant: tenant, in: transaction)
        let iat = Int64(Date().timeIntervalSince1970)
        let jws = try AuditCheckpoint.sign(
            tenant: tenant.uuidString.lowercased(), seq: head.seq, hash: head.hash, iat: iat, kid: key.kid, key: key.key)
        let event = AuditEvent(
            type: AuditCheckpoint.eventType, actor: .system,
            subject: .init(kind: "audit_checkpoint", id: String(head.seq)),
            data: ["seq": .number(Double(head.seq)), "hash": .string(head.hash), "iat": .number(Double(iat)), "jws": .string(jws)])
        let written = try await write(event, tenant: tenant, after: head, in: transaction)
        try await transaction.execute("""
            INSERT INTO audit_checkpoints (tenant_id, seq, hash, iat, kid, jws, event_seq)
            VALUES (\(tenant), \(head.seq), \(head.hash), \(iat), \(key.kid), \(jws), \(written.seq))
            """)
        try await transaction.execute("""
            UPDATE audit_heads SET checkpoint_seq = \(written.seq), checkpoint_at = now() WHERE tenant_id = \(tenant)
            """)
        return Head(seq: written.seq, hash: written.hash, checkpointSeq: written.seq, checkpointAt: Date())
    }
}
