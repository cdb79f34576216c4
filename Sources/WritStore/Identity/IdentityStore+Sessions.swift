import Foundation
import Postgres
import WritCore
import WritCrypto

/// An authenticated console session and the CSRF token hash it requires on writes.
public struct SessionAuthentication: Sendable {
    public let principal: UserPrincipal
    public let csrfHash: [UInt8]
}

extension IdentityStore {
    /// Starts a session for a user inside the caller's transaction.
    func createSession(tenant: UUID, user: UUID, in tx: Transaction) async throws -> NewSession {
        let id = UUIDv7.make()
        let token = Self.token(prefix: "wss_")
        let csrf = Self.token(prefix: "")
        let expiresAt = Date().addingTimeInterval(Self.sessionLifetime)
        try await tx.execute(
            """
            INSERT INTO sessions (tenant_id, id, user_id, token_hash, csrf_hash, expires_at)
            VALUES (\(tenant), \(id), \(user), \(Bytea(hasher.hash(token))), \(Bytea(hasher.hash(csrf))), \(expiresAt))
            """)
        let actor = AuditEvent.Actor(kind: .user, id: user.uuidString.lowercased())
        try await audit.append(
            AuditEvent(type: .sessionCreated, actor: actor, subject: .init(kind: .session, id: id.uuidString.lowercased())),
            tenant: tenant, in: tx)
        return NewSession(id: id, token: token, csrfToken: csrf, expiresAt: expiresAt)
    }

    /// The session whose cookie is `token`, if it is live; extends its idle window unless `touch`
    /// is false (an event stream's periodic re-check is not the person's activity: an unattended
    /// tab must still idle out).
    public func authenticateSession(token: String, touch: Bool = true) async throws -> SessionAuthentication? {
        let hash = hasher.hash(token)
        let found = try await database.withLookup(hash: hash) { tx in
            try await tx.execute(
                """
                SELECT tenant_id, id, user_id, csrf_hash, last_seen_at < now() - interval '1 minute' AS stale
                FROM sessions WHERE token_hash = \(Bytea(hash)) AND revoked_at IS NULL AND expires_at > now()
                  AND last_seen_at > now() - make_interval(secs => \(Self.sessionIdleTimeout))
                """
            ).first
        }
        guard let found else { return nil }
        let tenant = try found.decode(UUID.self, "tenant_id")
        let sessionID = try found.decode(UUID.self, "id")
        let userID = try found.decode(UUID.self, "user_id")
        return try await database.withTenant(tenant) { tx in
            if touch, try found.decode(Bool.self, "stale") {
                try await tx.execute("UPDATE sessions SET last_seen_at = now() WHERE tenant_id = \(tenant) AND id = \(sessionID)")
            }
            let user = try await tx.execute(
                """
                SELECT email, roles FROM users WHERE tenant_id = \(tenant) AND id = \(userID) AND status = 'active'
                """
            ).first
            guard let user else { return nil }
            let principal = UserPrincipal(
                tenantID: tenant, userID: userID, sessionID: sessionID, email: try user.decode(String.self, "email"),
                roles: Set(try user.words("roles").compactMap(Role.init(rawValue:))))
            return SessionAuthentication(principal: principal, csrfHash: try found.decode(Bytea.self, "csrf_hash").bytes)
        }
    }

    /// Whether `token` is the CSRF token of the session with `csrfHash`.
    public func isValidCSRF(_ token: String, csrfHash: [UInt8]) -> Bool {
        ConstantTime.equals(hasher.hash(token), csrfHash)
    }

    /// Ends one session (logout).
    public func endSession(_ principal: UserPrincipal) async throws {
        try await database.withTenant(principal.tenantID) { tx in
            try await tx.execute(
                """
                UPDATE sessions SET revoked_at = now()
                WHERE tenant_id = \(principal.tenantID) AND id = \(principal.sessionID) AND revoked_at IS NULL
                """)
            try await audit.append(
                AuditEvent(
                    type: .sessionEnded, actor: .init(kind: .user, id: principal.userID.uuidString.lowercased()),
                    subject: .init(kind: .session, id: principal.sessionID.uuidString.lowercased())),
                tenant: principal.tenantID, in: tx)
        }
    }

    /// Revokes every live session of a user inside the caller's transaction.
    func revokeSessions(tenant: UUID, user: UUID, in tx: Transaction) async throws {
        try await tx.execute(
            """
            UPDATE sessions SET revoked_at = now() WHERE tenant_id = \(tenant) AND user_id = \(user) AND revoked_at IS NULL
            """)
    }
}
