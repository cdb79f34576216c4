import Foundation
import Postgres
import WritCore

/// A login (one per email address) found at sign-in.
public struct Account: Sendable {
    public let id: UUID
    public let email: String
    public let passwordHash: String
}

/// A login's membership of one organisation.
public struct Membership: Sendable, Equatable {
    public let tenantID: UUID
    public let tenantName: String
    public let userID: UUID
    public let totpEnabled: Bool
}

/// Which login a new membership (sign-up, accepted invitation) belongs to.
public enum AccountChoice: Sendable {
    /// A login that exists; the caller proved its password.
    case existing(UUID)
    /// A new login for the address, with this password hash.
    case new(passwordHash: String)
}

extension IdentityStore {
    /// The login with this email, if there is one.
    public func account(email: EmailAddress) async throws -> Account? {
        try await database.withEmailLookup(email.normalized) { tx in
            try await tx.execute(
                """
                SELECT id, email, password_hash FROM accounts WHERE lower(email) = \(email.normalized)
                """
            ).first.map { row in
                Account(
                    id: try row.decode(UUID.self, "id"), email: try row.decode(String.self, "email"),
                    passwordHash: try row.decode(String.self, "password_hash"))
            }
        }
    }

    /// The login's active memberships, oldest first.
    public func memberships(account: UUID) async throws -> [Membership] {
        try await database.withAccount(account) { tx in try await memberships(account: account, in: tx) }
    }

    func memberships(account: UUID, in tx: Transaction) async throws -> [Membership] {
        try await tx.execute(
            """
            SELECT u.tenant_id, t.name, u.id, u.totp_secret_sealed IS NOT NULL AS totp
            FROM users u JOIN tenants t ON t.id = u.tenant_id
            WHERE u.account_id = \(account) AND u.status = 'active' ORDER BY u.created_at, u.tenant_id
            """
        ).map { row in
            Membership(
                tenantID: try row.decode(UUID.self, "tenant_id"), tenantName: try row.decode(String.self, "name"),
                userID: try row.decode(UUID.self, "id"), totpEnabled: try row.decode(Bool.self, "totp"))
        }
    }

    /// The login behind a signed-in member.
    public func account(of principal: UserPrincipal) async throws -> Account {
        let accountID = try await database.withTenant(principal.tenantID) { tx in
            try await tx.execute("SELECT account_id FROM users WHERE tenant_id = \(principal.tenantID) AND id = \(principal.userID)")
                .first?.decode(UUID?.self, "account_id")
        }
        guard let accountID else { throw StoreError.notFound("login") }
        return try await database.withAccount(accountID) { tx in
            guard let row = try await tx.execute("SELECT id, email, password_hash FROM accounts WHERE id = \(accountID)").first else {
                throw StoreError.notFound("login")
            }
            return Account(
                id: accountID, email: try row.decode(String.self, "email"), passwordHash: try row.decode(String.self, "password_hash"))
        }
    }

    /// The login id for a new membership inside the caller's transaction: the existing one, or a
    /// new login created for `email` (a concurrent creation surfaces as a unique violation).
    func accountID(for choice: AccountChoice, email: EmailAddress, in tx: Transaction) async throws -> UUID {
        switch choice {
        case .existing(let id): return id
        case .new(let passwordHash):
            let id = UUIDv7.make()
            try await tx.execute("SELECT set_config('app.lookup_email', \(email.normalized), true)")
            try await tx.execute("INSERT INTO accounts (id, email, password_hash) VALUES (\(id), \(email.value), \(passwordHash))")
            return id
        }
    }

    /// Opens a session in one of the login's organisations after its checks passed.
    public func login(_ membership: Membership) async throws -> NewSession {
        try await database.withTenant(membership.tenantID) { tx in
            try await createSession(tenant: membership.tenantID, user: membership.userID, in: tx)
        }
    }

    /// Replaces a login's password; every session of the login, in every organisation, ends, and a
    /// new one opens for the caller.
    public func changePassword(_ principal: UserPrincipal, account: UUID, newHash: String) async throws -> NewSession {
        let memberships = try await database.withAccount(account) { tx in
            try await tx.execute(
                """
                UPDATE accounts SET password_hash = \(newHash), password_changed_at = now() WHERE id = \(account)
                """)
            return try await self.memberships(account: account, in: tx)
        }
        for membership in memberships where membership.tenantID != principal.tenantID {
            try await database.withTenant(membership.tenantID) { tx in
                try await revokeSessions(tenant: membership.tenantID, user: membership.userID, in: tx)
                let actor = AuditEvent.Actor(kind: .user, id: membership.userID.uuidString.lowercased())
                try await audit.append(
                    AuditEvent(type: .memberPasswordChanged, actor: actor, subject: .init(kind: .user, id: actor.id)),
                    tenant: membership.tenantID, in: tx)
            }
        }
        return try await database.withTenant(principal.tenantID) { tx in
            try await revokeSessions(tenant: principal.tenantID, user: principal.userID, in: tx)
            let actor = AuditEvent.Actor(kind: .user, id: principal.userID.uuidString.lowercased())
            try await audit.append(
                AuditEvent(type: .memberPasswordChanged, actor: actor, subject: .init(kind: .user, id: actor.id)),
                tenant: principal.tenantID, in: tx)
            return try await createSession(tenant: principal.tenantID, user: principal.userID, in: tx)
        }
    }
}
