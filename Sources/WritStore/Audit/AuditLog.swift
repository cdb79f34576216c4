import Foundation
import Postgres
import WritCore

/// Appends events to a tenant's hash chain inside the caller's transaction.
///
/// Every state change in Writ goes through ``append(_:tenant:in:)`` in the same transaction as
/// the change, so the change and its record commit or roll back together. The chain head row is
/// locked `FOR UPDATE`, which serializes appenders of one tenant; `PRIMARY KEY (tenant_id, seq)`
/// is the backstop against a gap or a fork.
public struct AuditLog: Sendable {
    public init() {}

    /// Creates the tenant's empty chain. Call once, in the transaction that creates the tenant.
    public func start(tenant: UUID, in transaction: Transaction) async throws {
        try await transaction.execute("""
            INSERT INTO audit_heads (tenant_id, seq, hash) VALUES (\(tenant), 0, \(AuditChain.genesisHash))
            """)
    }

    /// Appends `event` as the tenant's next link; returns its sequence number.
    @discardableResult
    public func append(_ event: AuditEvent, tenant: UUID, in transaction: Transaction) async throws -> Int64 {
        let head = try await transaction.execute(
            "SELECT seq, hash FROM audit_heads WHERE tenant_id = \(tenant) FOR UPDATE")
        guard let row = head.first else { throw StoreError.notFound("audit chain of tenant") }
        let seq = try row.decode(Int64.self, "seq") + 1
        let time = Date()
        let link = AuditChain.link(
            event, tenant: tenant.uuidString.lowercased(), seq: seq, time: time,
            previousHash: try row.decode(String.self, "hash"))
        try await transaction.execute("""
            INSERT INTO audit_events (tenant_id, seq, occurred_at, type, actor_kind, actor_id, subject_kind, subject_id, body, hash)
            VALUES (\(tenant), \(seq), \(time), \(event.type), \(event.actor.kind), \(event.actor.id),
                    \(event.subject?.kind), \(event.subject?.id), \(String(decoding: link.body, as: UTF8.self)), \(link.hash))
            """)
        try await transaction.execute(
            "UPDATE audit_heads SET seq = \(seq), hash = \(link.hash) WHERE tenant_id = \(tenant)")
        return seq
    }
}
