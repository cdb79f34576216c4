import Foundation
import Postgres
import WritCore

/// An invitation found by its token, before anything is hashed for it.
public struct PendingInvitation: Sendable {
    public let tenantID: UUID
    public let id: UUID
    public let userID: UUID
    /// The invited address.
    public let email: EmailAddress
}

extension IdentityStore {
    /// Invites a person: an `invited` member with roles and teams, and a single-use link mailed to
    /// the address (only the link's keyed hash is stored; the mailer derives the link).
    ///
    /// The address must be new to this tenant only: an invitation reserves nothing elsewhere.
    public func invite(
        tenant: UUID, email: EmailAddress, roles: [Role], teams: [UUID], by principal: Principal, inviterName: String
    ) async throws -> Member {
        let userID = UUIDv7.make()
        let invitationID = UUIDv7.make()
        let reference = LinkReference(kind: .invitation, ids: [tenant.uuidString.lowercased(), invitationID.uuidString.lowercased()])
        let expiresAt = Date().addingTimeInterval(Self.invitationLifetime)
        return try await database.withTenant(tenant) { tx in
            try await Self.conflictOnDuplicate("This organisation already has a member with this email.") {
                try await tx.execute(
                    """
                    INSERT INTO users (tenant_id, id, email, roles, status)
                    VALUES (\(tenant), \(userID), \(email.value), \(roles.map(\.rawValue))::text[], 'invited')
                    """)
            }
            try await setTeams(tenant: tenant, user: userID, teams: teams, in: tx)
            try await tx.execute(
                """
                INSERT INTO invitations (tenant_id, id, user_id, token_hash, expires_at, created_by)
                VALUES (\(tenant), \(invitationID), \(userID), \(Bytea(hasher.hash(links.token(for: reference)))),
                        \(expiresAt), \(principal.responsibleUserID))
                """)
            try await Outbox.enqueue(
                tenant: tenant, kind: .invitation, recipient: email.value, subject: "You are invited to \(inviterName) on Writ",
                body: "You have been invited to join \(inviterName) on Writ as \(roles.map(\.rawValue).joined(separator: ", ")).\n\n"
                    + "Accept with your personal link:\n\n  \(Outbox.linkPlaceholder)\n\n"
                    + "If you already have a Writ login, accept with its password. The link works once and expires "
                    + "\(Timestamp.format(expiresAt)).\n",
                link: reference, in: tx)
            try await audit.append(
                AuditEvent(
                    type: .memberInvited, actor: principal.actor, subject: .init(kind: .user, id: userID.uuidString.lowercased()),
                    data: [
                        "email": .string(email.value), "roles": .array(roles.map { .string($0.rawValue) }),
                        "teams": .array(teams.map { .string($0.uuidString.lowercased()) }),
                    ]),
                tenant: tenant, in: tx)
            return try await member(tenant: tenant, id: userID, in: tx)
        }
    }

    /// The live invitation whose link token is `token`, if any.
    public func invitation(token: String) async throws -> PendingInvitation? {
        let hash = hasher.hash(token)
        guard
            let found = try await database.withLookup(
                hash: hash,
                { tx in
                    try await tx.execute(
                        """
                        SELECT tenant_id, id, user_id FROM invitations
                        WHERE token_hash = \(Bytea(hash)) AND accepted_at IS NULL AND expires_at > now()
                        """
                    ).first
                })
        else { return nil }
        let tenant = try found.decode(UUID.self, "tenant_id")
        let userID = try found.decode(UUID.self, "user_id")
        let email = try await database.withTenant(tenant) { tx in
            try await tx.execute("SELECT email FROM users WHERE tenant_id = \(tenant) AND id = \(userID) AND status = 'invited'")
                .first?.decode(String.self, "email")
        }
        guard let email else { return nil }
        guard let address = EmailAddress(email) else { throw StoreError.corrupt("users.email") }
        return PendingInvitation(tenantID: tenant, id: try found.decode(UUID.self, "id"), userID: userID, email: address)
    }

    /// Accepts an invitation on a login (existing, or created now for the invited address),
    /// activates the member and opens a session; `nil` when it was accepted meanwhile.
    public func acceptInvitation(_ invitation: PendingInvitation, account: AccountChoice) async throws -> (Member, NewSession)? {
        let tenant = invitation.tenantID
        return try await database.withTenant(tenant) { tx in
            // The guard on accepted_at makes a concurrent second acceptance update nothing.
            let claimed = try await tx.execute(
                """
                UPDATE invitations SET accepted_at = now()
                WHERE tenant_id = \(tenant) AND id = \(invitation.id) AND accepted_at IS NULL
                """)
            guard claimed.affectedRows == 1 else { return nil }
            let accountID = try await accountID(for: account, email: invitation.email, in: tx)
            let activated = try await Self.conflictOnDuplicate("This login is already a member of the organisation.") {
                try await tx.execute(
                    """
                    UPDATE users SET account_id = \(accountID), status = 'active'
                    WHERE tenant_id = \(tenant) AND id = \(invitation.userID) AND status = 'invited'
                    """)
            }
            guard activated.affectedRows == 1 else { return nil }
            let actor = AuditEvent.Actor(kind: .user, id: invitation.userID.uuidString.lowercased())
            try await audit.append(
                AuditEvent(type: .memberJoined, actor: actor, subject: .init(kind: .user, id: actor.id)),
                tenant: tenant, in: tx)
            let session = try await createSession(tenant: tenant, user: invitation.userID, in: tx)
            return (try await member(tenant: tenant, id: invitation.userID, in: tx), session)
        }
    }
}
