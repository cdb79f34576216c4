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
    static let memberColumns: SQL = """
        u.tenant_id, u.id, u.email, u.roles, u.status, u.created_at, u.totp_secret_sealed IS NOT NULL AS totp_enabled,
        coalesce((SELECT array_agg(tm.team_id ORDER BY tm.team_id) FROM team_members tm
                  WHERE tm.tenant_id = u.tenant_id AND tm.user_id = u.id), '{}') AS teams
        """

    /// Members of the tenant, oldest first, without removed ones.
    public func members(tenant: UUID, page: PageRequest) async throws -> Page<Member> {
        try await database.withTenant(tenant) { tx in
            let rows = try await tx.execute("""
                SELECT \(Self.memberColumns) FROM users u
                WHERE u.tenant_id = \(tenant) AND u.status <> 'removed' AND u.id > \(page.afterOrMin)
                ORDER BY u.id LIMIT \(page.limit + 1)
                """)
            return page.page(try rows.map { try $0.member() }, id: \.id)
        }
    }

    /// One member of the tenant.
    public func member(tenant: UUID, id: UUID) async throws -> Member {
        try await database.withTenant(tenant) { tx in try await member(tenant: tenant, id: id, in: tx) }
    }

    func member(tenant: UUID, id: UUID, in tx: Transaction) async throws -> Member {
        let rows = try await tx.execute("""
            SELECT \(Self.memberColumns) FROM users u WHERE u.tenant_id = \(tenant) AND u.id = \(id) AND u.status <> 'removed'
            """)
        guard let row = rows.first else { throw StoreError.notFound("member") }
        return try row.member()
    }

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
                try await tx.execute("""
                    INSERT INTO users (tenant_id, id, email, roles, status)
                    VALUES (\(tenant), \(userID), \(email.value), \(roles.map(\.rawValue))::text[], 'invited')
                    """)
            }
            try await setTeams(tenant: tenant, user: userID, teams: teams, in: tx)
            try await tx.execute("""
                INSERT INTO invitations (tenant_id, id, user_id, token_hash, expires_at, created_by)
                VALUES (\(tenant), \(invitationID), \(userID), \(Bytea(hasher.hash(links.token(for: reference)))),
                        \(expiresAt), \(principal.responsibleUserID))
                """)
            try await Outbox.enqueue(
                tenant: tenant, kind: "member.invitation", recipient: email.value, subject: "You are invited to \(inviterName) on Writ",
                body: "You have been invited to join \(inviterName) on Writ as \(roles.map(\.rawValue).joined(separator: ", ")).\n\n"
                    + "Accept with your personal link:\n\n  \(Outbox.linkPlaceholder)\n\n"
                    + "If you already have a Writ login, accept with its password. The link works once and expires "
                    + "\(Timestamp.format(expiresAt)).\n",
                link: reference, in: tx)
            try await audit.append(
                AuditEvent(type: "member.invited", actor: principal.actor, subject: .init(kind: "user", id: userID.uuidString.lowercased()),
                           data: ["email": .string(email.value), "roles": .array(roles.map { .string($0.rawValue) }),
                                  "teams": .array(teams.map { .string($0.uuidString.lowercased()) })]),
                tenant: tenant, in: tx)
            return try await member(tenant: tenant, id: userID, in: tx)
        }
    }

    /// The live invitation whose link token is `token`, if any.
    public func invitation(token: String) async throws -> PendingInvitation? {
        let hash = hasher.hash(token)
        guard let found = try await database.withLookup(hash: hash, { tx in
            try await tx.execute("""
                SELECT tenant_id, id, user_id FROM invitations
                WHERE token_hash = \(Bytea(hash)) AND accepted_at IS NULL AND expires_at > now()
                """).first
        }) else { return nil }
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
            let claimed = try await tx.execute("""
                UPDATE invitations SET accepted_at = now()
                WHERE tenant_id = \(tenant) AND id = \(invitation.id) AND accepted_at IS NULL
                """)
            guard claimed.affectedRows == 1 else { return nil }
            let accountID = try await accountID(for: account, email: invitation.email, in: tx)
            let activated = try await Self.conflictOnDuplicate("This login is already a member of the organisation.") {
                try await tx.execute("""
                    UPDATE users SET account_id = \(accountID), status = 'active'
                    WHERE tenant_id = \(tenant) AND id = \(invitation.userID) AND status = 'invited'
                    """)
            }
            guard activated.affectedRows == 1 else { return nil }
            let actor = AuditEvent.Party(kind: "user", id: invitation.userID.uuidString.lowercased())
            try await audit.append(AuditEvent(type: "member.joined", actor: actor, subject: actor), tenant: tenant, in: tx)
            let session = try await createSession(tenant: tenant, user: invitation.userID, in: tx)
            return (try await member(tenant: tenant, id: invitation.userID, in: tx), session)
        }
    }

    /// Changes a member's roles and/or teams; the last admin keeps the admin role.
    public func updateMember(
        tenant: UUID, id: UUID, roles: [Role]?, teams: [UUID]?, by principal: Principal
    ) async throws -> Member {
        try await database.withTenant(tenant) { tx in
            let current = try await member(tenant: tenant, id: id, in: tx)
            if let roles {
                if current.roles.contains(.admin), !roles.contains(.admin) {
                    try await requireAnotherAdmin(tenant: tenant, besides: id, in: tx)
                }
                try await tx.execute("""
                    UPDATE users SET roles = \(roles.map(\.rawValue))::text[] WHERE tenant_id = \(tenant) AND id = \(id)
                    """)
            }
            if let teams { try await setTeams(tenant: tenant, user: id, teams: teams, in: tx) }
            var data: [String: JSONValue] = [:]
            if let roles { data["roles"] = .array(roles.map { .string($0.rawValue) }) }
            if let teams { data["teams"] = .array(teams.map { .string($0.uuidString.lowercased()) }) }
            try await audit.append(
                AuditEvent(type: "member.updated", actor: principal.actor, subject: .init(kind: "user", id: id.uuidString.lowercased()),
                           data: data),
                tenant: tenant, in: tx)
            return try await member(tenant: tenant, id: id, in: tx)
        }
    }

    /// Removes a member: their sessions end and they can no longer sign in. The last admin stays.
    public func removeMember(tenant: UUID, id: UUID, by principal: Principal) async throws {
        try await database.withTenant(tenant) { tx in
            let current = try await member(tenant: tenant, id: id, in: tx)
            if current.roles.contains(.admin) { try await requireAnotherAdmin(tenant: tenant, besides: id, in: tx) }
            try await tx.execute("UPDATE users SET status = 'removed' WHERE tenant_id = \(tenant) AND id = \(id)")
            try await tx.execute("DELETE FROM team_members WHERE tenant_id = \(tenant) AND user_id = \(id)")
            try await revokeSessions(tenant: tenant, user: id, in: tx)
            try await audit.append(
                AuditEvent(type: "member.removed", actor: principal.actor, subject: .init(kind: "user", id: id.uuidString.lowercased()),
                           data: ["email": .string(current.email)]),
                tenant: tenant, in: tx)
        }
    }

    private func requireAnotherAdmin(tenant: UUID, besides id: UUID, in tx: Transaction) async throws {
        // Lock the admins so two concurrent demotions cannot both see the other as remaining.
        let admins = try await tx.execute("""
            SELECT id FROM users WHERE tenant_id = \(tenant) AND status = 'active' AND 'admin' = ANY(roles) AND id <> \(id)
            FOR UPDATE
            """)
        guard !admins.isEmpty else { throw StoreError.conflict("The last admin cannot lose the admin role or be removed.") }
    }

    private func setTeams(tenant: UUID, user: UUID, teams: [UUID], in tx: Transaction) async throws {
        try await tx.execute("DELETE FROM team_members WHERE tenant_id = \(tenant) AND user_id = \(user)")
        for team in Set(teams) {
            do {
                try await tx.execute("INSERT INTO team_members (tenant_id, team_id, user_id) VALUES (\(tenant), \(team), \(user))")
            } catch let error as PostgresError where error.isForeignKeyViolation {
                throw StoreError.invalid("Team \(team.uuidString.lowercased()) does not exist.")
            }
        }
    }
}
