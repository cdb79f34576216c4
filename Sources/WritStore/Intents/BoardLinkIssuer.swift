import Foundation
import Postgres
import WritCore
import WritCrypto

/// Requests approval inside the submitting transaction: board links for T3, notices to the
/// eligible approvers for T1 and T2, all through the outbox.
struct BoardLinkIssuer: Sendable {
    let hasher: KeyedHasher
    let links: LinkTokens
    /// Base URL of the console, for the links.
    let publicURL: String

    /// Creates a link for every active board member who is not excluded from approving and queues
    /// their emails; returns the quorum (strict majority when the policy names none).
    ///
    /// Only the link's keyed hash is stored, and the mail holds a reference the mailer turns into
    /// the link at delivery: no working link is ever readable from the database.
    func issue(
        tenant: UUID, intent: UUID, excluded: [UUID], quorum: Int?, expiresAt: Date, summary: String, in tx: Transaction
    ) async throws -> Int {
        let members = try await tx.execute(
            """
            SELECT id, email FROM users WHERE tenant_id = \(tenant) AND status = 'active' AND 'board' = ANY(roles)
              AND NOT (id = ANY(\(excluded.map { $0.uuidString.lowercased() })::uuid[])) ORDER BY id
            """)
        for member in members {
            let user = try member.decode(UUID.self, "id")
            let reference = BoardLinks.reference(tenant: tenant, intent: intent, member: user)
            try await tx.execute(
                """
                INSERT INTO board_links (tenant_id, intent_id, user_id, token_hash, expires_at)
                VALUES (\(tenant), \(intent), \(user), \(Bytea(hasher.hash(links.token(for: reference)))), \(expiresAt))
                """)
            try await Outbox.enqueue(
                tenant: tenant, kind: .boardApprovalLink, recipient: try member.decode(String.self, "email"),
                subject: "Board approval needed: \(summary)",
                body:
                    "A critical (T3) action needs the board's decision:\n\n  \(summary)\n\nOpen your personal link to review and decide:\n\n"
                    + "  \(Outbox.linkPlaceholder)\n\nThe link is yours alone, works once, and expires \(Timestamp.format(expiresAt)).\n",
                link: reference, in: tx)
        }
        return quorum ?? (members.count / 2 + 1)
    }
}

extension BoardLinkIssuer {
    /// Queues a notice to every member who may decide a T1/T2 intent (right role; for T1 a member of
    /// the agent's team unless admin; never one excluded from approving it).
    func notifyApprovers(
        tenant: UUID, intent: UUID, tier: Tier, roles: [Role], team: UUID, excluded: [UUID], summary: String, in tx: Transaction
    ) async throws {
        let people = try await tx.execute(
            """
            SELECT u.email, u.roles,
                   EXISTS (SELECT 1 FROM team_members tm WHERE tm.tenant_id = u.tenant_id AND tm.team_id = \(team) AND tm.user_id = u.id) AS in_team
            FROM users u WHERE u.tenant_id = \(tenant) AND u.status = 'active' AND NOT (u.id = ANY(\(excluded.map { $0.uuidString.lowercased() })::uuid[]))
            """)
        for person in people {
            let held = Set(try person.words("roles").compactMap(Role.init(rawValue:)))
            guard !held.isDisjoint(with: roles) else { continue }
            if tier == .t1, !held.contains(.admin), try !person.decode(Bool.self, "in_team") { continue }
            try await Outbox.enqueue(
                tenant: tenant, kind: .approvalRequested, recipient: try person.decode(String.self, "email"),
                subject: "Approval requested (\(tier.rawValue)): \(summary)",
                body:
                    "An agent asks to act:\n\n  \(summary)\n\nDecide in the console or with POST /v1/intents/\(intent.uuidString.lowercased())/decisions"
                    + (tier == .t2 ? " (with your TOTP code)" : "") + ".\n\n  \(publicURL)/\n",
                in: tx)
        }
    }
}
