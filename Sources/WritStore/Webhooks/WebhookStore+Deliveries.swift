import Foundation
import Postgres
import WritCore

extension WebhookStore {
    static let deliveryColumns: SQL =
        "id, endpoint_id, event_type, message_id, seq, status, attempts, next_attempt_at, delivered_at, created_at"

    /// An endpoint's deliveries, newest first.
    public func deliveries(tenant: UUID, endpoint: UUID, page: PageRequest) async throws -> Page<WebhookDelivery> {
        try await database.withTenant(tenant) { tx in
            _ = try await Self.endpoint(tenant: tenant, id: endpoint, in: tx)
            let before = page.after ?? UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255))
            let rows = try await tx.execute(
                """
                SELECT \(Self.deliveryColumns) FROM webhook_deliveries
                WHERE tenant_id = \(tenant) AND endpoint_id = \(endpoint) AND id < \(before)
                ORDER BY id DESC LIMIT \(page.limit + 1)
                """)
            return page.page(try rows.map { try $0.webhookDelivery() }, id: \.id)
        }
    }

    /// One delivery with every attempt and its answer.
    public func delivery(tenant: UUID, endpoint: UUID, id: UUID) async throws -> WebhookDelivery {
        try await database.withTenant(tenant) { tx in try await Self.delivery(tenant: tenant, endpoint: endpoint, id: id, in: tx) }
    }

    static func delivery(tenant: UUID, endpoint: UUID, id: UUID, in tx: Transaction) async throws -> WebhookDelivery {
        guard
            let row = try await tx.execute(
                """
                SELECT \(deliveryColumns) FROM webhook_deliveries WHERE tenant_id = \(tenant) AND endpoint_id = \(endpoint) AND id = \(id)
                """
            ).first
        else { throw StoreError.notFound("delivery") }
        let attempts = try await tx.execute(
            """
            SELECT attempt, started_at, duration_ms, status_code, error, response_excerpt FROM webhook_attempts
            WHERE tenant_id = \(tenant) AND delivery_id = \(id) ORDER BY attempt
            """
        ).map { try $0.webhookAttempt() }
        return try row.webhookDelivery(attempts: attempts)
    }

    /// Sends a delivery again now, with the same `webhook-id` (a receiver that already has it can
    /// tell); a delivered or failed one goes back to pending. The endpoint must be enabled.
    public func redeliver(tenant: UUID, endpoint: UUID, id: UUID, by principal: Principal) async throws -> WebhookDelivery {
        try await database.withTenant(tenant) { tx in
            let target = try await Self.endpoint(tenant: tenant, id: endpoint, in: tx)
            guard target.disabledAt == nil else { throw StoreError.conflict("The endpoint is disabled; enable it first.") }
            let updated = try await tx.execute(
                """
                UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = now(), delivered_at = NULL
                WHERE tenant_id = \(tenant) AND endpoint_id = \(endpoint) AND id = \(id)
                  AND (leased_until IS NULL OR leased_until < now())
                """)
            guard updated.affectedRows == 1 else {
                _ = try await Self.delivery(tenant: tenant, endpoint: endpoint, id: id, in: tx)
                throw StoreError.conflict("The delivery is being attempted right now.")
            }
            try await audit.append(
                AuditEvent(
                    type: .webhookRedeliveryRequested, actor: principal.actor, subject: Self.subject(endpoint),
                    data: ["delivery": .string(id.uuidString.lowercased())]),
                tenant: tenant, in: tx)
            return try await Self.delivery(tenant: tenant, endpoint: endpoint, id: id, in: tx)
        }
    }
}
