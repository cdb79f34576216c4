import Foundation
import Postgres
import WritCore

/// A tenant's webhook endpoints: made, listed, changed, deleted and their secrets rotated, each in
/// one transaction with its audit event. Secrets are stored only sealed.
public struct WebhookStore: Sendable {
    let database: Database
    let audit: AuditLog
    let sealer: Sealer

    static let columns: SQL = """
        id, url, kind, events, description, ordered, previous_secret_until, failing_since, disabled_at, disabled_reason, created_at
        """

    public init(database: Database, keys: KeyRing, signingKeys: SigningKeys? = nil) {
        self.database = database
        self.audit = AuditLog(signingKeys: signingKeys)
        self.sealer = keys.sealer
    }

    /// What the seal of an endpoint's secret is bound to.
    static func sealContext(tenant: UUID, endpoint: UUID) -> String {
        "webhook:\(tenant.uuidString.lowercased()):\(endpoint.uuidString.lowercased())"
    }

    /// Makes an endpoint that receives the events committed from now on; a standard endpoint's
    /// new secret is returned, this once.
    public func create(
        tenant: UUID, url: String, kind: WebhookEndpoint.Kind, events: [WebhookEventType], description: String?, ordered: Bool,
        by principal: Principal
    ) async throws -> (endpoint: WebhookEndpoint, secret: WebhookSecret?) {
        let id = UUIDv7.make()
        let secret = kind == .standard ? WebhookSecret.generate() : nil
        let sealed = try secret.map { try sealer.seal($0.key, context: Self.sealContext(tenant: tenant, endpoint: id)) }
        let stored = try storedURL(url, kind: kind, tenant: tenant, endpoint: id)
        let endpoint = try await database.withTenant(tenant) { tx in
            try await Self.enforceEndpointQuota(tenant: tenant, in: tx)
            try await tx.execute(
                """
                INSERT INTO webhook_endpoints (tenant_id, id, url, url_sealed, kind, events, description, ordered, secret_sealed, scanned_seq, created_by)
                SELECT \(tenant), \(id), \(stored.shown), \(stored.sealed.map(Bytea.init)), \(kind.rawValue), \(events.map(\.rawValue))::text[],
                       \(description), \(ordered), \(sealed.map(Bytea.init)), seq, \(principal.responsibleUserID)
                FROM audit_heads WHERE tenant_id = \(tenant)
                """)
            try await audit.append(
                AuditEvent(
                    type: .webhookCreated, actor: principal.actor, subject: Self.subject(id),
                    data: [
                        "url": .string(stored.shown), "kind": .string(kind.rawValue), "events": .array(events.map { .string($0.rawValue) }),
                    ]),
                tenant: tenant, in: tx)
            return try await Self.endpoint(tenant: tenant, id: id, in: tx)
        }
        return (endpoint, secret)
    }

    /// Refuses a new endpoint past the plan's `max_webhook_endpoints`. The tenant row's lock (taken
    /// first, as the agent quota does) serializes concurrent creations; the count is a statement of
    /// its own, after the lock, so it sees every endpoint a creation that held the lock committed.
    private static func enforceEndpointQuota(tenant: UUID, in tx: Transaction) async throws {
        let rows = try await tx.pipeline([
            "SELECT p.max_webhook_endpoints FROM tenants t JOIN plans p ON p.id = t.plan WHERE t.id = \(tenant) FOR NO KEY UPDATE OF t",
            "SELECT count(*) AS endpoints FROM webhook_endpoints WHERE tenant_id = \(tenant)",
        ])
        guard let row = rows[0].first, let count = rows[1].first else { throw StoreError.notFound("tenant") }
        let limit = try row.decode(Int.self, "max_webhook_endpoints")
        guard try count.decode(Int.self, "endpoints") < limit else {
            throw StoreError.quotaExceeded(
                "webhook_endpoints", "The plan allows \(limit) webhook endpoints; delete one or upgrade the plan.")
        }
    }

    /// The tenant's endpoints, oldest first.
    public func endpoints(tenant: UUID, page: PageRequest) async throws -> Page<WebhookEndpoint> {
        try await database.withTenant(tenant) { tx in
            let rows = try await tx.execute(
                """
                SELECT \(Self.columns) FROM webhook_endpoints WHERE tenant_id = \(tenant) AND id > \(page.afterOrMin)
                ORDER BY id LIMIT \(page.limit + 1)
                """)
            return page.page(try rows.map { try $0.webhookEndpoint() }, id: \.id)
        }
    }

    /// One endpoint.
    public func endpoint(tenant: UUID, id: UUID) async throws -> WebhookEndpoint {
        try await database.withTenant(tenant) { tx in try await Self.endpoint(tenant: tenant, id: id, in: tx) }
    }

    static func endpoint(tenant: UUID, id: UUID, in tx: Transaction) async throws -> WebhookEndpoint {
        guard let row = try await tx.execute("SELECT \(columns) FROM webhook_endpoints WHERE tenant_id = \(tenant) AND id = \(id)").first
        else { throw StoreError.notFound("webhook endpoint") }
        return try row.webhookEndpoint()
    }

    /// Changes what is given; re-enabling clears the failure record so the endpoint starts afresh.
    public func update(tenant: UUID, id: UUID, changes: WebhookEndpointChanges, by principal: Principal) async throws -> WebhookEndpoint {
        try await database.withTenant(tenant) { tx in
            let current = try await Self.endpoint(tenant: tenant, id: id, in: tx)
            let stored = try changes.url.map { try storedURL($0, kind: current.kind, tenant: tenant, endpoint: id) }
            var changes = changes
            changes.url = stored?.shown
            let updated = try await tx.execute(
                """
                UPDATE webhook_endpoints SET
                    url = coalesce(\(stored?.shown)::text, url),
                    url_sealed = coalesce(\(stored?.sealed.map(Bytea.init)), url_sealed),
                    events = coalesce(\(changes.events?.map(\.rawValue))::text[], events),
                    description = CASE WHEN \(changes.setsDescription) THEN \(changes.description)::text ELSE description END,
                    ordered = coalesce(\(changes.ordered)::boolean, ordered),
                    disabled_at = CASE WHEN \(changes.disabled)::boolean IS NULL THEN disabled_at
                                       WHEN \(changes.disabled)::boolean THEN coalesce(disabled_at, now()) ELSE NULL END,
                    disabled_reason = CASE WHEN \(changes.disabled)::boolean IS NULL THEN disabled_reason
                                           WHEN \(changes.disabled)::boolean THEN coalesce(disabled_reason, 'disabled by an admin')
                                           ELSE NULL END,
                    failing_since = CASE WHEN \(changes.disabled)::boolean = false THEN NULL ELSE failing_since END
                WHERE tenant_id = \(tenant) AND id = \(id)
                """)
            guard updated.affectedRows == 1 else { throw StoreError.notFound("webhook endpoint") }
            try await audit.append(
                AuditEvent(type: .webhookUpdated, actor: principal.actor, subject: Self.subject(id), data: changes.auditData),
                tenant: tenant, in: tx)
            return try await Self.endpoint(tenant: tenant, id: id, in: tx)
        }
    }

    /// Deletes an endpoint and its delivery history.
    public func delete(tenant: UUID, id: UUID, by principal: Principal) async throws {
        try await database.withTenant(tenant) { tx in
            let deleted = try await tx.execute("DELETE FROM webhook_endpoints WHERE tenant_id = \(tenant) AND id = \(id)")
            guard deleted.affectedRows == 1 else { throw StoreError.notFound("webhook endpoint") }
            try await audit.append(
                AuditEvent(type: .webhookDeleted, actor: principal.actor, subject: Self.subject(id)),
                tenant: tenant, in: tx)
        }
    }

    /// A new secret for a standard endpoint; the one it replaces keeps signing alongside until
    /// `overlap` has passed, so receivers can switch without missing a message.
    public func rotateSecret(tenant: UUID, id: UUID, overlap: TimeInterval, by principal: Principal) async throws -> (
        WebhookEndpoint, WebhookSecret
    ) {
        let secret = WebhookSecret.generate()
        let sealed = try sealer.seal(secret.key, context: Self.sealContext(tenant: tenant, endpoint: id))
        return try await database.withTenant(tenant) { tx in
            let updated = try await tx.execute(
                """
                UPDATE webhook_endpoints SET previous_secret_sealed = secret_sealed, secret_sealed = \(Bytea(sealed)),
                    previous_secret_until = now() + make_interval(secs => \(overlap))
                WHERE tenant_id = \(tenant) AND id = \(id) AND kind = 'standard'
                """)
            guard updated.affectedRows == 1 else { throw StoreError.notFound("webhook endpoint with a secret") }
            try await audit.append(
                AuditEvent(
                    type: .webhookSecretRotated, actor: principal.actor, subject: Self.subject(id),
                    data: ["overlap_seconds": .number(overlap.rounded())]),
                tenant: tenant, in: tx)
            return (try await Self.endpoint(tenant: tenant, id: id, in: tx), secret)
        }
    }

    /// The URL as stored: in the clear for standard endpoints; for Slack, whose URL is the
    /// credential, redacted, with the URL itself sealed.
    func storedURL(_ url: String, kind: WebhookEndpoint.Kind, tenant: UUID, endpoint: UUID) throws -> (shown: String, sealed: [UInt8]?) {
        guard kind == .slack else { return (url, nil) }
        return (
            WebhookEndpoint.redacted(url),
            try sealer.seal(Array(url.utf8), context: Self.sealContext(tenant: tenant, endpoint: endpoint) + ":url")
        )
    }

    static func subject(_ id: UUID) -> AuditEvent.Subject { .init(kind: .webhook, id: id.uuidString.lowercased()) }
}
