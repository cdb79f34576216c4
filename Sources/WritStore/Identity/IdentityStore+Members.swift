import Foundation
import Postgres
import WritCore

extension IdentityStore {
    static let memberColumns: SQL = """
        u.tenant_id, u.id, u.email, u.roles, u.status, u.created_at, u.totp_secret_sealed IS NOT NULL AS totp_enabled,
        coalesce((SELECT array_agg(tm.team_id ORDER BY tm.team_id) FROM team_members tm
                  WHERE tm.tenant_id = u.tenant_id AND tm.user_id = u.id), '{}') AS teams
        """

    /// Members of the tenant, oldest first, without removed ones.
    public func members(tenant: UUID, page: PageRequest) async throws -> Page<Member> {
        try await database.withTenant(tenant) { tx in
            let rows = try await tx.execute(
                """
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
        let rows = try await tx.execute(
            """
            SELECT \(Self.memberColumns) FROM users u WHERE u.tenant_id = \(tenant) AND u.id = \(id) AND u.status <> 'removed'
            """)
        guard let row = rows.first else { throw StoreError.notFound("member") }
        return try row.member()
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
                try await tx.execute(
                    """
                    UPDATE users SET roles = \(roles.map(\.rawValue))::text[] WHERE tenant_id = \(tenant) AND id = \(id)
                    """)
            }
            if let teams { try await setTeams(tenant: tenant, user: id, teams: teams, in: tx) }
            var data: [String: JSONValue] = [:]
            if let roles { data["roles"] = .array(roles.map { .string($0.rawValue) }) }
            if let teams { data["teams"] = .array(teams.map { .string($0.uuidString.lowercased()) }) }
            try await audit.append(
                AuditEvent(
                    type: .memberUpdated, actor: principal.actor, subject: .init(kind: .user, id: id.uuidString.lowercased()),
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
                AuditEvent(
                    type: .memberRemoved, actor: principal.actor, subject: .init(kind: .user, id: id.uuidString.lowercased()),
                    data: ["email": .string(current.email)]),
                tenant: tenant, in: tx)
        }
    }

    private func requireAnotherAdmin(tenant: UUID, besides id: UUID, in tx: Transaction) async throws {
        // Lock the admins so two concurrent demotions cannot both see the other as remaining.
        let admins = try await tx.execute(
            """
            SELECT id FROM users WHERE tenant_id = \(tenant) AND status = 'active' AND 'admin' = ANY(roles) AND id <> \(id)
            FOR UPDATE
            """)
        guard !admins.isEmpty else { throw StoreError.conflict("The last admin cannot lose the admin role or be removed.") }
    }

    func setTeams(tenant: UUID, user: UUID, teams: [UUID], in tx: Transaction) async throws {
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
