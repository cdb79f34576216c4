import Foundation
import Postgres
import WritCore

extension WebhookDispatch {
    /// Records an attempt: a 2xx marks the delivery delivered (once: only the attempt that holds
    /// the lease may), anything else schedules the next attempt or, after the last, fails it. An
    /// endpoint whose attempts have all failed for `disableAfter` is disabled and its admins mailed.
    public func record(
        _ claimed: ClaimedWebhookDelivery, outcome: WebhookAttemptOutcome, schedule: WebhookRetrySchedule, disableAfter: TimeInterval,
        jitter: Double = Double.random(in: -1...1)
    ) async throws {
        let tenant = claimed.tenant
        try await database.withTenant(tenant) { tx in
            try await tx.execute(
                """
                INSERT INTO webhook_attempts (tenant_id, delivery_id, attempt, started_at, duration_ms, status_code, error, response_excerpt)
                VALUES (\(tenant), \(claimed.id), \(claimed.attempt), \(outcome.startedAt), \(outcome.durationMilliseconds),
                        \(outcome.statusCode), \(outcome.error), \(outcome.responseExcerpt))
                ON CONFLICT DO NOTHING
                """)
            if outcome.succeeded {
                try await tx.pipeline([
                    """
                    UPDATE webhook_deliveries SET status = 'delivered', delivered_at = now(), leased_until = NULL, next_attempt_at = NULL
                    WHERE tenant_id = \(tenant) AND id = \(claimed.id) AND status = 'pending' AND attempts = \(claimed.attempt)
                    """,
                    "UPDATE webhook_endpoints SET failing_since = NULL WHERE tenant_id = \(tenant) AND id = \(claimed.endpointID)",
                ])
                return
            }
            let delay = schedule.delay(after: claimed.attempt, jitter: jitter)
            try await tx.execute(
                """
                UPDATE webhook_deliveries SET leased_until = NULL,
                    status = CASE WHEN \(delay)::float8 IS NULL THEN 'failed' ELSE 'pending' END,
                    next_attempt_at = now() + make_interval(secs => \(delay)::float8)
                WHERE tenant_id = \(tenant) AND id = \(claimed.id) AND status = 'pending' AND attempts = \(claimed.attempt)
                """)
            guard
                let endpoint = try await tx.execute(
                    """
                    UPDATE webhook_endpoints SET failing_since = coalesce(failing_since, now())
                    WHERE tenant_id = \(tenant) AND id = \(claimed.endpointID) AND disabled_at IS NULL
                    RETURNING url, failing_since < now() - make_interval(secs => \(disableAfter)) AS overdue
                    """
                ).first, try endpoint.decode(Bool.self, "overdue")
            else { return }
            try await disable(
                tenant: tenant, endpoint: claimed.endpointID, url: try endpoint.decode(String.self, "url"), disableAfter: disableAfter,
                in: tx)
        }
    }

    /// Disables an endpoint that kept failing, records it, and mails the tenant's admins.
    private func disable(tenant: UUID, endpoint: UUID, url: String, disableAfter: TimeInterval, in tx: Transaction) async throws {
        let days = Int((disableAfter / 86_400).rounded())
        let reason = "every attempt failed for \(days == 0 ? "\(Int(disableAfter)) seconds" : "\(days) days")"
        try await tx.execute(
            """
            UPDATE webhook_endpoints SET disabled_at = now(), disabled_reason = \(reason) WHERE tenant_id = \(tenant) AND id = \(endpoint)
            """)
        try await audit.append(
            AuditEvent(type: .webhookDisabled, actor: .system, subject: WebhookStore.subject(endpoint), data: ["reason": .string(reason)]),
            tenant: tenant, in: tx)
        let admins = try await tx.execute(
            """
            SELECT email FROM users WHERE tenant_id = \(tenant) AND status = 'active' AND 'admin' = ANY(roles) ORDER BY id
            """)
        for admin in admins {
            try await Outbox.enqueue(
                tenant: tenant, kind: .webhookDisabled, recipient: try admin.decode(String.self, "email"),
                subject: "A webhook endpoint was disabled",
                body: """
                    Writ disabled the webhook endpoint \(url) (id \(endpoint.uuidString.lowercased())): \(reason).

                    Its undelivered events are kept. Once the receiver works again, enable the endpoint in the
                    console (Administration → Webhooks) or with PATCH /v1/webhooks/{id} {"disabled": false};
                    the waiting events are then delivered.
                    """,
                in: tx)
        }
    }
}
