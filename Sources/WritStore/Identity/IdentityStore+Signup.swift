import Foundation
import Postgres
import WritCore
import WritCrypto

/// What a new session gives its holder: shown once, stored only hashed.
public struct NewSession: Sendable {
    public let id: UUID
    /// The session cookie's value.
    public let token: String
    /// The value cookie-authenticated writes must send in `X-CSRF-Token`.
    public let csrfToken: String
    public let expiresAt: Date
}

/// What sign-up created.
public struct SignupResult: Sendable {
    public let tenant: Tenant
    public let member: Member
    public let session: NewSession
}

extension IdentityStore {
    /// Creates a tenant on `plan` (sign-up: the free plan), its first admin (on an existing login or
    /// a new one), its first signing key and a session, all in one transaction. The serving role
    /// may choose a new tenant's plan but never change one (migration 0019).
    ///
    /// A new login whose address was taken concurrently fails with ``StoreError/loginTaken`` and creates nothing.
    public func signup(organization: String, email: EmailAddress, account: AccountChoice, plan: String = "free") async throws
        -> SignupResult
    {
        do {
            return try await createTenant(organization: organization, email: email, account: account, plan: plan)
        } catch let error as PostgresError where error.isUniqueViolation {
            throw StoreError.loginTaken
        }
    }

    private func createTenant(organization: String, email: EmailAddress, account: AccountChoice, plan: String) async throws -> SignupResult
    {
        let tenantID = UUIDv7.make()
        let userID = UUIDv7.make()
        return try await database.withTenant(tenantID) { tx in
            try await tx.execute("INSERT INTO tenants (id, name, plan) VALUES (\(tenantID), \(organization), \(plan))")
            try await audit.start(tenant: tenantID, in: tx)
            let accountID = try await accountID(for: account, email: email, in: tx)
            try await tx.execute(
                """
                INSERT INTO users (tenant_id, id, email, account_id, roles, status)
                VALUES (\(tenantID), \(userID), \(email.value), \(accountID), \(["admin"])::text[], 'active')
                """)
            let actor = AuditEvent.Actor(kind: .user, id: userID.uuidString.lowercased())
            try await audit.append(
                AuditEvent(
                    type: .tenantCreated, actor: actor, subject: .init(kind: .tenant, id: tenantID.uuidString.lowercased()),
                    data: ["name": .string(organization), "plan": "free"]),
                tenant: tenantID, in: tx)
            try await audit.append(
                AuditEvent(
                    type: .memberAdded, actor: actor, subject: .init(kind: .user, id: actor.id),
                    data: ["email": .string(email.value), "roles": ["admin"]]),
                tenant: tenantID, in: tx)
            try await createSigningKey(tenant: tenantID, actor: actor, in: tx)
            try await PolicyStore(database: database, audit: audit).save(
                tenant: tenantID, team: nil, document: StarterPolicy.document, comment: "starter policy", author: .system, in: tx)
            let session = try await createSession(tenant: tenantID, user: userID, in: tx)
            let member = Member(
                id: userID, tenantID: tenantID, email: email.value, roles: [.admin], status: .active, teams: [],
                totpEnabled: false, createdAt: Date())
            return SignupResult(tenant: Tenant(id: tenantID, name: organization, plan: "free"), member: member, session: session)
        }
    }

    /// Generates an Ed25519 signing key, seals its private half under the master key and stores it.
    @discardableResult
    func createSigningKey(tenant: UUID, actor: AuditEvent.Actor, in tx: Transaction) async throws -> String {
        let key = Ed25519.PrivateKey()
        let kid = Base64URL.encode(SHA256.hash(key.publicKey.rawRepresentation).prefix(12))
        let sealed = try sealer.seal(key.rawRepresentation, context: "signing-key:\(tenant.uuidString.lowercased()):\(kid)")
        try await tx.execute(
            """
            INSERT INTO signing_keys (tenant_id, kid, public_key, sealed_private_key)
            VALUES (\(tenant), \(kid), \(Bytea(key.publicKey.rawRepresentation)), \(Bytea(sealed)))
            """)
        try await audit.append(
            AuditEvent(type: .signingKeyCreated, actor: actor, subject: .init(kind: .signingKey, id: kid)),
            tenant: tenant, in: tx)
        return kid
    }

    /// The tenant and its plan.
    public func tenant(_ id: UUID) async throws -> (Tenant, Plan) {
        try await database.withTenant(id) { tx in
            let rows = try await tx.execute(
                """
                SELECT t.id, t.name, t.plan, p.max_active_agents, p.max_intents_per_month, p.api_requests_per_second, p.api_burst, p.audit_retention_days
                FROM tenants t JOIN plans p ON p.id = t.plan WHERE t.id = \(id)
                """)
            guard let row = rows.first else { throw StoreError.notFound("tenant") }
            let plan = Plan(
                id: try row.decode(String.self, "plan"), maxActiveAgents: try row.decode(Int.self, "max_active_agents"),
                maxIntentsPerMonth: try row.decode(Int.self, "max_intents_per_month"),
                requestsPerSecond: try row.decode(Int.self, "api_requests_per_second"), burst: try row.decode(Int.self, "api_burst"),
                auditRetentionDays: try row.decode(Int?.self, "audit_retention_days"))
            return (Tenant(id: id, name: try row.decode(String.self, "name"), plan: plan.id), plan)
        }
    }
}
