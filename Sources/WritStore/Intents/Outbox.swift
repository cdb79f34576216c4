import Foundation
import Postgres
import WritCore

/// A message waiting to be delivered.
public struct OutboxMessage: Sendable {
    public let tenant: UUID
    public let id: UUID
    public let kind: MailKind
    public let recipient: String
    public let subject: String
    /// The text, with ``Outbox/linkPlaceholder`` where the recipient's link goes.
    public let body: String
    /// The link to put in the body, derived at delivery; its token is never stored.
    public let link: LinkReference?
    public let createdAt: Date
}

/// Notifications written in the same transaction as the change that needs them, then delivered
/// by whatever channel is configured; a message is marked sent only after its channel took it.
public enum Outbox {
    /// Stands in the stored body for the recipient's personal link.
    public static let linkPlaceholder = "{{link}}"

    static func enqueue(
        tenant: UUID, kind: MailKind, recipient: String, subject: String, body: String, link: LinkReference? = nil, in tx: Transaction
    ) async throws {
        try await tx.execute(
            """
            INSERT INTO outbox (tenant_id, id, kind, recipient, subject, body, link_ref)
            VALUES (\(tenant), \(UUIDv7.make()), \(kind.rawValue), \(recipient), \(subject), \(body), \(link?.text))
            """)
    }

    /// Delivers due messages with `deliver`, once each even with many nodes (rows locked SKIP LOCKED).
    /// A message `deliver` fails waits before its next attempt (2^attempts seconds, at most an
    /// hour), and the rest of its tenant's batch waits for the next pass: a relay that is down is
    /// not asked again for every message.
    @discardableResult
    public static func deliver(database: Database, limit: Int = 100, _ deliver: (OutboxMessage) async throws -> Void) async throws -> Int {
        let tenants = try await database.pool.transaction { tx in
            try await tx.execute("SET LOCAL ROLE writ_job")
            return try await tx.execute(
                "SELECT DISTINCT tenant_id FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= now() LIMIT \(limit)"
            )
            .map { try $0.decode(UUID.self, "tenant_id") }
        }
        var delivered = 0
        for tenant in tenants {
            delivered += try await database.withTenant(tenant) { tx in
                let rows = try await tx.execute(
                    """
                    SELECT id, kind, recipient, subject, body, link_ref, created_at FROM outbox
                    WHERE tenant_id = \(tenant) AND sent_at IS NULL AND next_attempt_at <= now() ORDER BY id LIMIT \(limit) FOR UPDATE SKIP LOCKED
                    """)
                var count = 0
                for row in rows {
                    var link: LinkReference?
                    if let text = try row.decode(String?.self, "link_ref") {
                        guard let parsed = LinkReference(text: text) else { throw StoreError.corrupt("outbox.link_ref") }
                        link = parsed
                    }
                    let message = OutboxMessage(
                        tenant: tenant, id: try row.decode(UUID.self, "id"), kind: try row.decodeCase(MailKind.self, "kind"),
                        recipient: try row.decode(String.self, "recipient"), subject: try row.decode(String.self, "subject"),
                        body: try row.decode(String.self, "body"), link: link, createdAt: try row.decode(Date.self, "created_at"))
                    do {
                        try await deliver(message)
                        try await tx.execute(
                            "UPDATE outbox SET sent_at = now(), attempts = attempts + 1 WHERE tenant_id = \(tenant) AND id = \(message.id)")
                        count += 1
                    } catch {
                        try await tx.execute(
                            """
                            UPDATE outbox SET attempts = attempts + 1, last_error = \(String(describing: error).prefix(500).description),
                                next_attempt_at = now() + make_interval(secs => least(power(2, attempts), 3600))
                            WHERE tenant_id = \(tenant) AND id = \(message.id)
                            """)
                        break
                    }
                }
                return count
            }
        }
        return delivered
    }
}
