import Foundation
import Postgres
import WritCore

extension IdentityStore {
    /// Creates a team; names are unique per tenant, ignoring case.
    public func createTeam(tenant: UUID, name: String, by principal: Principal) async throws -> Team {
        let id = UUIDv7.make()
        return try await database.withTenant(tenant) { tx in
            try await Self.conflictOnDuplicate("A team with this name already exists.") {
                try await tx.execute("INSERT INTO teams (tenant_id, id, name) VALUES (\(tenant), \(id), \(name))")
            }
            try await audit.append(
                AuditEvent(
                    type: .teamCreated, actor: principal.actor, subject: .init(kind: .team, id: id.uuidString.lowercased()),
                    data: ["name": .string(name)]),
                tenant: tenant, in: tx)
            return try await team(tenant: tenant, id: id, in: tx)
        }
    }

    /// Teams of the tenant, oldest first.
    public func teams(tenant: UUID, page: PageRequest) async throws -> Page<Team> {
        try await database.withTenant(tenant) { tx in
            let rows = try await tx.execute(
                """
                SELECT id, name, created_at FROM teams WHERE tenant_id = \(tenant) AND id > \(page.afterOrMin)
                ORDER BY id LIMIT \(page.limit + 1)
                """)
            return page.page(try rows.map { try $0.team() }, id: \.id)
        }
    }

    /// One team.
    public func team(tenant: UUID, id: UUID) async throws -> Team {
        try await database.withTenant(tenant) { tx in try await team(tenant: tenant, id: id, in: tx) }
    }

    func team(tenant: UUID, id: UUID, in tx: Transaction) async throws -> Team {
        guard
            let row = try await tx.execute(
                "SELECT id, name, created_at FROM teams WHERE tenant_id = \(tenant) AND id = \(id)"
            ).first
        else { throw StoreError.notFound("team") }
        return try row.team()
    }

    /// Renames a team.
    public func renameTeam(tenant: UUID, id: UUID, name: String, by principal: Principal) async throws -> Team {
        try await database.withTenant(tenant) { tx in
            let updated = try await Self.conflictOnDuplicate("A team with this name already exists.") {
                try await tx.execute("UPDATE teams SET name = \(name) WHERE tenant_id = \(tenant) AND id = \(id)")
            }
            guard updated.affectedRows == 1 else { throw StoreError.notFound("team") }
            try await audit.append(
                AuditEvent(
                    type: .teamUpdated, actor: principal.actor, subject: .init(kind: .team, id: id.uuidString.lowercased()),
                    data: ["name": .string(name)]),
                tenant: tenant, in: tx)
            return try await team(tenant: tenant, id: id, in: tx)
        }
    }

    /// Deletes a team that owns no agents.
    public func deleteTeam(tenant: UUID, id: UUID, by principal: Principal) async throws {
        try await database.withTenant(tenant) { tx in
            let agents = try await tx.execute("SELECT 1 FROM agents WHERE tenant_id = \(tenant) AND team_id = \(id) LIMIT 1")
            guard agents.isEmpty else { throw StoreError.conflict("The team still owns agents; move or disable them first.") }
            let deleted = try await tx.execute("DELETE FROM teams WHERE tenant_id = \(tenant) AND id = \(id)")
            guard deleted.affectedRows == 1 else { throw StoreError.notFound("team") }
            try await audit.append(
                AuditEvent(type: .teamDeleted, actor: principal.actor, subject: .init(kind: .team, id: id.uuidString.lowercased())),
                tenant: tenant, in: tx)
        }
    }
}
