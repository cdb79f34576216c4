import Foundation
import Postgres
import WritCore

/// One saved version of a policy.
public struct PolicyVersion: Sendable {
    public let key: UUID
    public let teamID: UUID?
    public let version: Int
    public let document: JSONValue
    public let comment: String?
    public let author: AuditEvent.Actor
    public let createdAt: Date
}

/// The policy that classifies a team's intents, and the versions it was built from.
public struct EffectivePolicy: Sendable {
    public let compiled: CompiledPolicy
    /// The team's policy key and version when the team has a policy, else the tenant default's.
    public let key: UUID
    public let version: Int
    /// The tenant default's version it extends, if any.
    public let baseVersion: Int?
}

/// Tenant default and team policies: immutable versions, each save audited.
public struct PolicyStore: Sendable {
    let database: Database
    let audit: AuditLog

    public init(database: Database, audit: AuditLog) {
        self.database = database
        self.audit = audit
    }

    /// Saves a new version of the tenant default (`team` nil) or a team's policy; returns its number.
    /// The document must already be valid.
    @discardableResult
    public func save(
        tenant: UUID, team: UUID?, document: JSONValue, comment: String?, author: AuditEvent.Actor
    ) async throws -> Int {
        try await database.withTenant(tenant) { tx in
            try await save(tenant: tenant, team: team, document: document, comment: comment, author: author, in: tx)
        }
    }

    @discardableResult
    func save(
        tenant: UUID, team: UUID?, document: JSONValue, comment: String?, author: AuditEvent.Actor, in tx: Transaction
    ) async throws -> Int {
        if let team, try await tx.execute("SELECT 1 FROM teams WHERE tenant_id = \(tenant) AND id = \(team)").isEmpty {
            throw StoreError.notFound("team")
        }
        let key = team ?? tenant
        // Serializes saves of one policy so version numbers have no gaps or duplicates.
        try await tx.execute("SELECT pg_advisory_xact_lock(hashtext(\(key.uuidString)))")
        let next = try await tx.execute(
            """
            SELECT coalesce(max(version), 0) + 1 AS next FROM policy_versions WHERE tenant_id = \(tenant) AND policy_key = \(key)
            """)[0].decode(Int.self, "next")
        try await tx.execute(
            """
            INSERT INTO policy_versions (tenant_id, policy_key, team_id, version, document, comment, author_kind, author_id)
            VALUES (\(tenant), \(key), \(team), \(next), \(CanonicalJSON.string(document)), \(comment),
                    \(author.kind.rawValue), \(author.id))
            """)
        var data: [String: JSONValue] = ["version": .number(Double(next)), "document": document]
        data["team"] = team.map { .string($0.uuidString.lowercased()) } ?? .null
        if let comment { data["comment"] = .string(comment) }
        try await audit.append(
            AuditEvent(type: .policyChanged, actor: author, subject: .init(kind: .policy, id: key.uuidString.lowercased()), data: data),
            tenant: tenant, in: tx)
        return next
    }

    /// The newest version, or a given one.
    public func version(tenant: UUID, team: UUID?, number: Int? = nil) async throws -> PolicyVersion? {
        try await database.withTenant(tenant) { tx in
            if let team, try await tx.execute("SELECT 1 FROM teams WHERE tenant_id = \(tenant) AND id = \(team)").isEmpty {
                throw StoreError.notFound("team")
            }
            let rows = try await tx.execute(
                """
                SELECT policy_key, team_id, version, document, comment, author_kind, author_id, created_at FROM policy_versions
                WHERE tenant_id = \(tenant) AND policy_key = \(team ?? tenant) AND (\(number)::int IS NULL OR version = \(number))
                ORDER BY version DESC LIMIT 1
                """)
            return try rows.first.map(Self.decode)
        }
    }

    /// Versions newest first (documents included), at most `limit`, before version `before`.
    public func versions(tenant: UUID, team: UUID?, before: Int?, limit: Int) async throws -> [PolicyVersion] {
        try await database.withTenant(tenant) { tx in
            if let team, try await tx.execute("SELECT 1 FROM teams WHERE tenant_id = \(tenant) AND id = \(team)").isEmpty {
                throw StoreError.notFound("team")
            }
            return try await tx.execute(
                """
                SELECT policy_key, team_id, version, document, comment, author_kind, author_id, created_at FROM policy_versions
                WHERE tenant_id = \(tenant) AND policy_key = \(team ?? tenant) AND (\(before)::int IS NULL OR version < \(before))
                ORDER BY version DESC LIMIT \(limit)
                """
            ).map(Self.decode)
        }
    }

    /// The compiled policy for a team: the tenant default extended by the team's (or `draft`).
    public func effective(tenant: UUID, team: UUID, draft: JSONValue? = nil) async throws -> EffectivePolicy {
        let base = try await version(tenant: tenant, team: nil)
        let teamPolicy = draft == nil ? try await version(tenant: tenant, team: team) : nil
        let source = PolicyDocument.effectiveSource(tenant: base?.document, team: draft ?? teamPolicy?.document)
        // Stored versions were valid when saved (limits added since do not stop them compiling); a
        // draft was validated by the caller with today's limits.
        let document = try PolicyParser.parse(source, stored: true).get()
        return EffectivePolicy(
            compiled: CompiledPolicy(document), key: teamPolicy?.key ?? base?.key ?? tenant,
            version: teamPolicy?.version ?? base?.version ?? 0, baseVersion: teamPolicy == nil ? nil : base?.version)
    }

    private static func decode(_ row: PostgresRow) throws -> PolicyVersion {
        PolicyVersion(
            key: try row.decode(UUID.self, "policy_key"), teamID: try row.decode(UUID?.self, "team_id"),
            version: try row.decode(Int.self, "version"), document: try JSONParser.parse(try row.decode(String.self, "document")),
            comment: try row.decode(String?.self, "comment"),
            author: .init(kind: try row.decodeCase(AuditActorKind.self, "author_kind"), id: try row.decode(String?.self, "author_id")),
            createdAt: try row.decode(Date.self, "created_at"))
    }
}
