import Foundation
import Postgres
import WritCore

/// Group commit for audit events that stand on their own (not part of another change's
/// transaction): concurrent appends to one tenant queue up while a commit is in flight and the
/// next commit takes them all, one transaction and one INSERT for many events.
///
/// Each caller gets its event's sequence number once the batch holding it has committed, or the
/// error that rolled it back; order within a tenant is the order of arrival.
public actor AuditGroupCommitter {
    private struct Pending: Sendable {
        let event: AuditEvent
        let continuation: CheckedContinuation<Int64, any Error>
    }

    private let database: Database
    private let audit: AuditLog
    private let maxBatch: Int
    private var queues: [UUID: [Pending]] = [:]
    private var draining: Set<UUID> = []

    public init(database: Database, audit: AuditLog, maxBatch: Int = 500) {
        self.database = database
        self.audit = audit
        self.maxBatch = maxBatch
    }

    /// Appends `event` to `tenant`'s chain; returns its sequence number once committed.
    public func append(_ event: AuditEvent, tenant: UUID) async throws -> Int64 {
        try await withCheckedThrowingContinuation { continuation in
            queues[tenant, default: []].append(Pending(event: event, continuation: continuation))
            if draining.insert(tenant).inserted {
                Task { await drain(tenant) }
            }
        }
    }

    private func drain(_ tenant: UUID) async {
        while let batch = takeBatch(tenant) {
            let events = batch.map(\.event)
            let audit = self.audit
            do {
                let seqs = try await database.withTenant(tenant) { tx in
                    try await audit.append(contentsOf: events, tenant: tenant, in: tx)
                }
                for (pending, seq) in zip(batch, seqs) { pending.continuation.resume(returning: seq) }
            } catch {
                for pending in batch { pending.continuation.resume(throwing: error) }
            }
        }
    }

    /// The next batch, or `nil` (and the tenant marked idle) when its queue is empty.
    private func takeBatch(_ tenant: UUID) -> [Pending]? {
        guard var queue = queues[tenant], !queue.isEmpty else {
            queues[tenant] = nil
            draining.remove(tenant)
            return nil
        }
        let batch = Array(queue.prefix(maxBatch))
        queue.removeFirst(batch.count)
        queues[tenant] = queue
        return batch
    }
}
