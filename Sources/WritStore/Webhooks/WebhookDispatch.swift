import Foundation
import Postgres
import WritCore

/// Claims due deliveries for one attempt each and records how it went. A claim is a lease: one
/// node's conditional update takes a delivery (rows locked `SKIP LOCKED`), so no two nodes send the
/// same attempt; a node that dies mid-attempt leaves the lease to run out, and the delivery is
/// attempted again (at least once).
public struct WebhookDispatch: Sendable {
    let database: Database
    let audit: AuditLog
    let sealer: Sealer
    /// How long a claimed attempt may take before another node may try again.
    public static let lease: TimeInterval = 30

    public init(database: Database, keys: KeyRing, signingKeys: SigningKeys? = nil) {
        self.database = database
        self.audit = AuditLog(signingKeys: signingKeys)
        self.sealer = keys.sealer
    }

    /// Claims up to `limit` due deliveries across tenants.
    public func claim(limit: Int) async throws -> [ClaimedWebhookDelivery] {
        let tenants = try await database.pool.transaction { tx in
            try await tx.execute("SET LOCAL ROLE writ_job")
            return try await tx.execute(
                """
                SELECT DISTINCT tenant_id FROM webhook_deliveries
                WHERE status = 'pending' AND next_attempt_at <= now() AND (leased_until IS NULL OR leased_until < now()) LIMIT 50
                """
            ).map { try $0.decode(UUID.self, "tenant_id") }
        }
        var claimed: [ClaimedWebhookDelivery] = []
        for tenant in tenants where claimed.count < limit {
            claimed += try await claim(tenant: tenant, limit: limit - claimed.count)
        }
        return claimed
    }

    private func claim(tenant: UUID, limit: Int) async throws -> [ClaimedWebhookDelivery] {
        let rows = try await database.withTenant(tenant) { tx in
            try await tx.execute(
                """
                UPDATE webhook_deliveries d SET attempts = d.attempts + 1, leased_until = now() + make_interval(secs => \(Self.lease))
                FROM webhook_endpoints e
                WHERE e.tenant_id = d.tenant_id AND e.id = d.endpoint_id AND d.tenant_id = \(tenant) AND d.id IN (
                    SELECT c.id FROM webhook_deliveries c JOIN webhook_endpoints ce ON ce.tenant_id = c.tenant_id AND ce.id = c.endpoint_id
                    WHERE c.tenant_id = \(tenant) AND c.status = 'pending' AND c.next_attempt_at <= now()
                      AND (c.leased_until IS NULL OR c.leased_until < now()) AND ce.disabled_at IS NULL
                      AND (NOT ce.ordered OR NOT EXISTS (
                          SELECT 1 FROM webhook_deliveries p WHERE p.tenant_id = c.tenant_id AND p.endpoint_id = c.endpoint_id
                            AND p.status = 'pending' AND (p.seq, p.event_type) < (c.seq, c.event_type)))
                    ORDER BY c.next_attempt_at, c.seq LIMIT \(limit) FOR UPDATE OF c SKIP LOCKED)
                RETURNING d.id, d.endpoint_id, d.event_type, d.message_id, d.payload, d.attempts, e.url, e.url_sealed, e.kind,
                          e.secret_sealed, CASE WHEN e.previous_secret_until > now() THEN e.previous_secret_sealed END AS previous_secret_sealed
                """)
        }
        return try rows.map { row in
            let endpoint = try row.decode(UUID.self, "endpoint_id")
            let context = WebhookStore.sealContext(tenant: tenant, endpoint: endpoint)
            let secrets = try ["secret_sealed", "previous_secret_sealed"].compactMap { column in
                try row.decode(Bytea?.self, column).map { WebhookSecret(key: try sealer.open($0.bytes, context: context)) }
            }
            var url = try row.decode(String.self, "url")
            if let sealedURL = try row.decode(Bytea?.self, "url_sealed") {
                url = String(decoding: try sealer.open(sealedURL.bytes, context: context + ":url"), as: UTF8.self)
            }
            return ClaimedWebhookDelivery(
                tenant: tenant, id: try row.decode(UUID.self, "id"), endpointID: endpoint, url: url,
                kind: try row.decodeCase(WebhookEndpoint.Kind.self, "kind"),
                eventType: try row.decodeCase(WebhookEventType.self, "event_type"),
                messageID: try row.decode(String.self, "message_id"), payload: Array(try row.decode(String.self, "payload").utf8),
                attempt: try row.decode(Int.self, "attempts"), secrets: secrets)
        }
    }
}
