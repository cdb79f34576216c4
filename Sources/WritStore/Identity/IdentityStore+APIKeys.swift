import Foundation
import Postgres
import WritCore

/// A key just created: the only time its text is available.
public struct NewAPIKey: Sendable {
    public let key: APIKey
    public let token: APIKeyToken
    /// The key's request-signing secret (`wsk_…`), for clients that sign their bodies.
    public let signingSecret: String
}

extension IdentityStore {
    static let keyColumns: SQL = "id, name, prefix, agent_id, scopes, audiences, expires_at, revoked_at, last_used_at, created_at"

    /// Creates a key; only its keyed hash is stored.
    public func createAPIKey(
        tenant: UUID, name: String, agentID: UUID?, scopes: [Scope], audiences: [String] = [], expiresAt: Date?, by principal: Principal
    ) async throws -> NewAPIKey {
        let id = UUIDv7.make()
        let token = APIKeyToken.generate()
        let signingSecret = Self.token(prefix: "wsk_")
        let sealedSecret = try sealer.seal(Array(signingSecret.utf8), context: Self.signingSecretContext(tenant: tenant, key: id))
        return try await database.withTenant(tenant) { tx in
            if let agentID, try await tx.execute("SELECT 1 FROM agents WHERE tenant_id = \(tenant) AND id = \(agentID)").isEmpty {
                throw StoreError.invalid("Agent \(agentID.uuidString.lowercased()) does not exist.")
            }
            try await tx.execute(
                """
                INSERT INTO api_keys (tenant_id, id, agent_id, name, prefix, key_hash, scopes, audiences, expires_at, created_by,
                                      signing_secret_sealed)
                VALUES (\(tenant), \(id), \(agentID), \(name), \(token.displayPrefix), \(Bytea(hasher.hash(token.text))),
                        \(scopes.map(\.rawValue))::text[], \(audiences)::text[], \(expiresAt), \(principal.responsibleUserID),
                        \(Bytea(sealedSecret)))
                """)
            try await audit.append(
                AuditEvent(
                    type: .apiKeyCreated, actor: principal.actor, subject: .init(kind: .apiKey, id: id.uuidString.lowercased()),
                    data: [
                        "name": .string(name), "scopes": .array(scopes.map { .string($0.rawValue) }),
                        "agent": agentID.map { .string($0.uuidString.lowercased()) } ?? .null,
                        "audiences": .array(audiences.map(JSONValue.string)),
                    ]),
                tenant: tenant, in: tx)
            guard let row = try await tx.execute("SELECT \(Self.keyColumns) FROM api_keys WHERE tenant_id = \(tenant) AND id = \(id)").first
            else { throw StoreError.notFound("API key") }
            return NewAPIKey(key: try row.apiKey(), token: token, signingSecret: signingSecret)
        }
    }

    /// Keys of the tenant, oldest first, revoked ones included.
    public func apiKeys(tenant: UUID, page: PageRequest) async throws -> Page<APIKey> {
        try await database.withTenant(tenant) { tx in
            let rows = try await tx.execute(
                """
                SELECT \(Self.keyColumns) FROM api_keys WHERE tenant_id = \(tenant) AND id > \(page.afterOrMin)
                ORDER BY id LIMIT \(page.limit + 1)
                """)
            return page.page(try rows.map { try $0.apiKey() }, id: \.id)
        }
    }

    /// Revokes a key; it stops working on every node within a second (the caller broadcasts).
    public func revokeAPIKey(tenant: UUID, id: UUID, by principal: Principal) async throws {
        try await database.withTenant(tenant) { tx in
            let updated = try await tx.execute(
                """
                UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE tenant_id = \(tenant) AND id = \(id)
                """)
            guard updated.affectedRows == 1 else { throw StoreError.notFound("API key") }
            try await audit.append(
                AuditEvent(type: .apiKeyRevoked, actor: principal.actor, subject: .init(kind: .apiKey, id: id.uuidString.lowercased())),
                tenant: tenant, in: tx)
        }
    }

    /// The principal of a presented key, if it is live: not revoked, not expired, agent not disabled.
    public func authenticateAPIKey(_ token: APIKeyToken) async throws -> KeyPrincipal? {
        let hash = hasher.hash(token.text)
        let found = try await database.withLookup(hash: hash) { tx in
            try await tx.execute(
                """
                SELECT tenant_id, id, agent_id, scopes, audiences, expires_at, created_by, signing_secret_sealed FROM api_keys
                WHERE key_hash = \(Bytea(hash)) AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
                """
            ).first
        }
        guard let found else { return nil }
        let tenant = try found.decode(UUID.self, "tenant_id")
        let agentID = try found.decode(UUID?.self, "agent_id")
        return try await database.withTenant(tenant) { tx in
            let rows = try await tx.pipeline([
                "SELECT \(Self.agentColumns) FROM agents WHERE tenant_id = \(tenant) AND id = \(agentID)",
                "SELECT p.api_requests_per_second, p.api_burst FROM tenants t JOIN plans p ON p.id = t.plan WHERE t.id = \(tenant)",
            ])
            let agent = try rows[0].first?.agent()
            if agentID != nil, agent == nil || agent?.disabled == true { return nil }
            guard let plan = rows[1].first else { return nil }
            return KeyPrincipal(
                tenantID: tenant, keyID: try found.decode(UUID.self, "id"), agentID: agentID,
                scopes: Set(try found.words("scopes").compactMap(Scope.init(rawValue:))),
                expiresAt: try found.decode(Date?.self, "expires_at"),
                requestsPerSecond: try plan.decode(Int.self, "api_requests_per_second"), burst: try plan.decode(Int.self, "api_burst"),
                createdBy: try found.decode(UUID?.self, "created_by"), audiences: Set(try found.words("audiences")), agent: agent,
                signingSecretSealed: try found.decode(Bytea?.self, "signing_secret_sealed")?.bytes)
        }
    }

    /// Records that keys were used, in one statement per tenant (called in batches, off the hot path).
    public func markKeysUsed(tenant: UUID, keys: [UUID]) async throws {
        try await database.withTenant(tenant) { tx in
            try await tx.execute(
                """
                UPDATE api_keys SET last_used_at = now() WHERE tenant_id = \(tenant) AND id = ANY(\(keys.map { $0.uuidString })::uuid[])
                """)
        }
    }
}

extension IdentityStore {
    /// What the seal of a key's signing secret is bound to.
    static func signingSecretContext(tenant: UUID, key: UUID) -> String {
        "api-key-signing-secret:\(tenant.uuidString.lowercased()):\(key.uuidString.lowercased())"
    }

    /// The HMAC key of a key's signed requests (the secret's UTF-8 bytes); `nil` for keys without one.
    public func requestSigningKey(of key: KeyPrincipal) throws -> [UInt8]? {
        guard let sealed = key.signingSecretSealed else { return nil }
        return try sealer.open(sealed, context: Self.signingSecretContext(tenant: key.tenantID, key: key.keyID))
    }

    /// One key's stored facts.
    public func apiKey(tenant: UUID, id: UUID) async throws -> APIKey {
        try await database.withTenant(tenant) { tx in
            guard let row = try await tx.execute("SELECT \(Self.keyColumns) FROM api_keys WHERE tenant_id = \(tenant) AND id = \(id)").first
            else { throw StoreError.notFound("API key") }
            return try row.apiKey()
        }
    }
}
