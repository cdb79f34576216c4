import Foundation
import Postgres
import WritCore
import WritCrypto

/// A board member's view of the T3 intent behind their link.
public struct BoardLinkView: Sendable {
    public let tenant: UUID
    public let intent: UUID
    public let member: UUID
    public let memberEmail: String
    public let totpRequired: Bool
    public let details: JSONValue
}

/// T3 board links: issued with the intent (and mailed through the outbox), viewed, and consumed
/// by exactly one decision.
public struct BoardLinks: Sendable {
    let database: Database
    let hasher: KeyedHasher
    let approvals: ApprovalStore

    public init(database: Database, keys: KeyRing, approvals: ApprovalStore) {
        self.database = database
        self.hasher = keys.hasher
        self.approvals = approvals
    }

    /// What names a board member's link for one intent.
    static func reference(tenant: UUID, intent: UUID, member: UUID) -> LinkReference {
        LinkReference(kind: .board, ids: [tenant, intent, member].map { $0.uuidString.lowercased() })
    }

    /// What the link's holder needs to decide; changes nothing.
    public func view(token: String) async throws -> BoardLinkView? {
        guard let link = try await find(token) else { return nil }
        return try await database.withTenant(link.tenant) { tx in
            guard
                let row = try await tx.execute(
                    """
                    SELECT i.id, i.action, i.resource, i.params, i.target, i.justification, i.status, i.tier, i.decision, i.expires_at,
                           i.required_approvals, a.name AS agent_name, a.id AS agent_id, u.email, u.totp_secret_sealed IS NOT NULL AS totp
                    FROM intents i LEFT JOIN agents a ON a.tenant_id = i.tenant_id AND a.id = i.agent_id
                    JOIN users u ON u.tenant_id = i.tenant_id AND u.id = \(link.member)
                    WHERE i.tenant_id = \(link.tenant) AND i.id = \(link.intent)
                    """
                ).first
            else { return nil }
            let decided = try await tx.execute(
                """
                SELECT u.email, ap.decision, ap.created_at FROM approvals ap JOIN users u ON u.tenant_id = ap.tenant_id AND u.id = ap.user_id
                WHERE ap.tenant_id = \(link.tenant) AND ap.intent_id = \(link.intent) ORDER BY ap.created_at
                """
            ).map { decision -> JSONValue in
                [
                    "member": .string(try decision.decode(String.self, "email")),
                    "decision": .string(try decision.decode(String.self, "decision")),
                    "at": .string(Timestamp.format(try decision.decode(Date.self, "created_at"))),
                ]
            }
            let details: JSONValue = [
                "id": .string(link.intent.uuidString.lowercased()), "action": .string(try row.decode(String.self, "action")),
                "resource": .string(try row.decode(String.self, "resource")),
                "params": try JSONParser.parse(try row.decode(String.self, "params")),
                "target": try row.decode(String?.self, "target").map(JSONValue.string) ?? .null,
                "justification": try row.decode(String?.self, "justification").map(JSONValue.string) ?? .null,
                "status": .string(try row.decode(String.self, "status")), "tier": .string(try row.decode(String?.self, "tier") ?? "T3"),
                "rules": try JSONParser.parse(try row.decode(String?.self, "decision") ?? "{}")["rules"] ?? .array([]),
                "agent": [
                    "id": .string(try row.decode(UUID?.self, "agent_id")?.uuidString.lowercased() ?? ""),
                    "name": .string(try row.decode(String?.self, "agent_name") ?? ""),
                ],
                "quorum": .number(Double(try row.decode(Int?.self, "required_approvals") ?? 1)),
                "decisions": .array(decided),
                "deadline": try row.decode(Date?.self, "expires_at").map { .string(Timestamp.format($0)) } ?? .null,
            ]
            return BoardLinkView(
                tenant: link.tenant, intent: link.intent, member: link.member,
                memberEmail: try row.decode(String.self, "email"), totpRequired: try row.decode(Bool.self, "totp"),
                details: details)
        }
    }

    /// Consumes the link with a decision; `nil` when the link is unknown, used or expired.
    ///
    /// A member with TOTP must send a code; it is checked last, in the decision's transaction, so a
    /// refused decision leaves it unused.
    public func decide(
        token: String, decision: ApprovalDecision, comment: String?, code: String?, identity: IdentityStore
    ) async throws -> (IntentRecord, BoardLinkView)? {
        guard let view = try await view(token: token) else { return nil }
        let record: IntentRecord? = try await database.withTenant(view.tenant) { tx in
            let pending = try await PendingIntent.lock(tenant: view.tenant, id: view.intent, in: tx)
            let used = try await tx.execute(
                """
                UPDATE board_links SET used_at = now()
                WHERE tenant_id = \(view.tenant) AND intent_id = \(view.intent) AND user_id = \(view.member) AND used_at IS NULL
                  AND expires_at > now()
                """)
            guard used.affectedRows == 1 else { return nil }
            let member = try await tx.execute(
                """
                SELECT 1 FROM users WHERE tenant_id = \(view.tenant) AND id = \(view.member) AND status = 'active' AND 'board' = ANY(roles)
                """)
            guard !member.isEmpty else { throw StoreError.forbidden("Only current board members decide through board links.") }
            try pending.checkNotExcluded(view.member)
            if code == nil, try await identity.hasSecondFactor(tenant: view.tenant, user: view.member, in: tx) {
                throw StoreError.unauthorized("You have two-factor authentication: send `totp` with a current code.")
            }
            let mfa = try await ApprovalStore.checkSecondFactor(code, tenant: view.tenant, user: view.member, identity: identity, in: tx)
            try await approvals.record(pending, user: view.member, decision: decision, comment: comment, mfa: mfa, in: tx)
            tx.queue(NodeEventChannel.intentChanged(tenant: view.tenant, intent: view.intent))
            return try await IntentStore.read(tenant: view.tenant, id: view.intent, in: tx)
        }
        return record.map { ($0, view) }
    }

    /// Why a link that ``view(token:)`` refuses is refused: it was used, its intent's deadline
    /// passed, or no link has this token. Says nothing about a link that still works.
    public func refusal(token: String) async throws -> BoardLinkRefusal {
        let hash = hasher.hash(token)
        return try await database.withLookup(hash: hash) { tx in
            guard
                let row = try await tx.execute(
                    """
                    SELECT used_at IS NOT NULL AS used FROM board_links WHERE token_hash = \(Bytea(hash))
                    """
                ).first
            else { return .unknown }
            return try row.decode(Bool.self, "used") ? .used : .expired
        }
    }

    private func find(_ token: String) async throws -> (tenant: UUID, intent: UUID, member: UUID)? {
        let hash = hasher.hash(token)
        return try await database.withLookup(hash: hash) { tx in
            try await tx.execute(
                """
                SELECT tenant_id, intent_id, user_id FROM board_links
                WHERE token_hash = \(Bytea(hash)) AND used_at IS NULL AND expires_at > now()
                """
            ).first.map {
                (try $0.decode(UUID.self, "tenant_id"), try $0.decode(UUID.self, "intent_id"), try $0.decode(UUID.self, "user_id"))
            }
        }
    }
}
