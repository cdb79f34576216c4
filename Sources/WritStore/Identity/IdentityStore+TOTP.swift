import Foundation
import Postgres
import WritCore
import WritCrypto

/// The outcome of checking a second factor.
public enum SecondFactorResult: Sendable, Equatable {
    case accepted
    case rejected
}

extension IdentityStore {
    private func totpContext(_ tenant: UUID, _ user: UUID) -> String {
        "totp:\(tenant.uuidString.lowercased()):\(user.uuidString.lowercased())"
    }

    /// Starts TOTP enrolment: a new secret, pending until confirmed with a code.
    public func beginTOTPEnrolment(_ principal: UserPrincipal) async throws -> TOTP {
        let totp = TOTP.generate()
        let sealed = try sealer.seal(totp.secret, context: totpContext(principal.tenantID, principal.userID))
        try await database.withTenant(principal.tenantID) { tx in
            let current = try await tx.execute(
                """
                SELECT totp_secret_sealed IS NOT NULL AS enrolled FROM users WHERE tenant_id = \(principal.tenantID) AND id = \(principal.userID)
                """)
            if try current.first?.decode(Bool.self, "enrolled") == true {
                throw StoreError.conflict("TOTP is already enabled; disable it first to enrol a new authenticator.")
            }
            try await tx.execute(
                """
                UPDATE users SET totp_pending_sealed = \(Bytea(sealed)) WHERE tenant_id = \(principal.tenantID) AND id = \(principal.userID)
                """)
            let actor = AuditEvent.Actor(kind: .user, id: principal.userID.uuidString.lowercased())
            try await audit.append(
                AuditEvent(type: .memberTOTPEnrolmentStarted, actor: actor, subject: .init(kind: .user, id: actor.id)),
                tenant: principal.tenantID, in: tx)
        }
        return totp
    }

    /// Confirms enrolment with a current code; returns ten single-use recovery codes, or `nil` for a wrong code.
    public func confirmTOTP(_ principal: UserPrincipal, code: String) async throws -> [String]? {
        try await database.withTenant(principal.tenantID) { tx in
            let row = try await tx.execute(
                """
                SELECT totp_pending_sealed FROM users WHERE tenant_id = \(principal.tenantID) AND id = \(principal.userID) FOR UPDATE
                """
            ).first
            guard let sealed = try row?.decode(Bytea?.self, "totp_pending_sealed") else {
                throw StoreError.conflict("No TOTP enrolment is pending; start one with POST /v1/me/totp.")
            }
            let secret = try sealer.open(sealed.bytes, context: totpContext(principal.tenantID, principal.userID))
            guard let step = TOTP(secret: secret).matchingStep(for: code, at: Date()) else { return nil }
            try await tx.execute(
                """
                UPDATE users SET totp_secret_sealed = totp_pending_sealed, totp_pending_sealed = NULL, totp_last_step = \(step)
                WHERE tenant_id = \(principal.tenantID) AND id = \(principal.userID)
                """)
            try await tx.execute("DELETE FROM recovery_codes WHERE tenant_id = \(principal.tenantID) AND user_id = \(principal.userID)")
            var codes: [String] = []
            for _ in 0..<10 {
                let code = Base32.encode(SecureRandom.bytes(10)).lowercased()
                let formatted = "\(code.prefix(8))-\(code.dropFirst(8))"
                codes.append(formatted)
                try await tx.execute(
                    """
                    INSERT INTO recovery_codes (tenant_id, user_id, code_hash)
                    VALUES (\(principal.tenantID), \(principal.userID), \(Bytea(hasher.hash(formatted))))
                    """)
            }
            let actor = AuditEvent.Actor(kind: .user, id: principal.userID.uuidString.lowercased())
            try await audit.append(
                AuditEvent(type: .memberTOTPEnabled, actor: actor, subject: .init(kind: .user, id: actor.id)),
                tenant: principal.tenantID, in: tx)
            return codes
        }
    }

    /// Checks a TOTP or recovery code of a user; each is accepted once only.
    public func verifySecondFactor(tenant: UUID, user: UUID, code: String) async throws -> SecondFactorResult {
        try await database.withTenant(tenant) { tx in try await verifySecondFactor(tenant: tenant, user: user, code: code, in: tx) }
    }

    /// Checks a code inside the caller's transaction, so the code is consumed only if that
    /// transaction commits (a decision refused after the check leaves the code unused).
    func verifySecondFactor(tenant: UUID, user: UUID, code: String, in tx: Transaction) async throws -> SecondFactorResult {
        let row = try await tx.execute(
            """
            SELECT totp_secret_sealed, totp_last_step FROM users WHERE tenant_id = \(tenant) AND id = \(user) FOR UPDATE
            """
        ).first
        guard let row, let sealed = try row.decode(Bytea?.self, "totp_secret_sealed") else { return .rejected }
        let secret = try sealer.open(sealed.bytes, context: totpContext(tenant, user))
        if let step = TOTP(secret: secret).matchingStep(for: code, at: Date()) {
            // A step at or before the last accepted one is a replay.
            guard step > (try row.decode(Int64?.self, "totp_last_step") ?? Int64.min) else { return .rejected }
            try await tx.execute("UPDATE users SET totp_last_step = \(step) WHERE tenant_id = \(tenant) AND id = \(user)")
            return .accepted
        }
        let used = try await tx.execute(
            """
            UPDATE recovery_codes SET used_at = now()
            WHERE tenant_id = \(tenant) AND user_id = \(user) AND code_hash = \(Bytea(hasher.hash(code.lowercased()))) AND used_at IS NULL
            """)
        guard used.affectedRows == 1 else { return .rejected }
        let actor = AuditEvent.Actor(kind: .user, id: user.uuidString.lowercased())
        try await audit.append(
            AuditEvent(type: .memberRecoveryCodeUsed, actor: actor, subject: .init(kind: .user, id: actor.id)),
            tenant: tenant, in: tx)
        return .accepted
    }

    /// Whether the user has TOTP enabled.
    func hasSecondFactor(tenant: UUID, user: UUID, in tx: Transaction) async throws -> Bool {
        try await tx.execute(
            """
            SELECT 1 FROM users WHERE tenant_id = \(tenant) AND id = \(user) AND totp_secret_sealed IS NOT NULL
            """
        ).isEmpty == false
    }

    /// Turns TOTP off for the caller (after the caller re-proved a factor) and deletes the recovery codes.
    public func disableTOTP(_ principal: UserPrincipal) async throws {
        try await database.withTenant(principal.tenantID) { tx in
            try await tx.execute(
                """
                UPDATE users SET totp_secret_sealed = NULL, totp_pending_sealed = NULL, totp_last_step = NULL
                WHERE tenant_id = \(principal.tenantID) AND id = \(principal.userID)
                """)
            try await tx.execute("DELETE FROM recovery_codes WHERE tenant_id = \(principal.tenantID) AND user_id = \(principal.userID)")
            let actor = AuditEvent.Actor(kind: .user, id: principal.userID.uuidString.lowercased())
            try await audit.append(
                AuditEvent(type: .memberTOTPDisabled, actor: actor, subject: .init(kind: .user, id: actor.id)),
                tenant: principal.tenantID, in: tx)
        }
    }
}
