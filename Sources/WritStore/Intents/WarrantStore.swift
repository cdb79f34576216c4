import Foundation
import Postgres
import WritCore
import WritCrypto

/// A stored warrant's state.
public struct WarrantState: Sendable {
    public let redeemed: Bool
    public let revoked: Bool
    public let expiresAt: Date
    /// The intent the warrant was issued for.
    public let intentID: UUID

    /// Neither used, revoked nor past its expiry.
    public var usable: Bool { !redeemed && !revoked && expiresAt > Date() }
}

/// Redeeming, revoking and looking up warrants.
public struct WarrantStore: Sendable {
    let database: Database
    let audit: AuditLog

    public init(database: Database, audit: AuditLog) {
        self.database = database
        self.audit = audit
    }

    /// The outcome of a redemption attempt.
    public enum Redemption: Sendable, Equatable {
        case redeemed
        case alreadyUsed
        case revoked
        case expired
        case notFound
        /// The warrant's `aud` is not one of the executor's audiences.
        case wrongAudience
    }

    /// Consumes a warrant once: of any number of concurrent calls exactly one succeeds, and only
    /// an executor whose audiences include the warrant's `aud` may.
    public func redeem(tenant: UUID, jti: String, audiences: Set<String>, by actor: AuditEvent.Actor) async throws -> Redemption {
        try await database.withTenant(tenant) { tx in
            guard let stored = try await tx.execute("SELECT token FROM warrants WHERE tenant_id = \(tenant) AND jti = \(jti)").first else {
                return .notFound
            }
            // The stored token is the signing input only (the signature is sealed); its claims are readable.
            guard let parts = JWS.Parts(compact: try stored.decode(String.self, "token")),
                let claims = WarrantClaims(json: try JSONParser.parse(parts.payload))
            else { throw StoreError.corrupt("warrant") }
            guard audiences.contains(claims.aud) else { return .wrongAudience }
            let updated = try await tx.execute(
                """
                UPDATE warrants SET redeemed_at = now()
                WHERE tenant_id = \(tenant) AND jti = \(jti) AND redeemed_at IS NULL AND revoked_at IS NULL AND expires_at > now()
                RETURNING intent_id
                """)
            if let row = updated.first {
                try await audit.append(
                    AuditEvent(
                        type: .warrantRedeemed, actor: actor, subject: .init(kind: .warrant, id: jti),
                        data: ["intent": .string(try row.decode(UUID.self, "intent_id").uuidString.lowercased())]),
                    tenant: tenant, in: tx)
                return .redeemed
            }
            guard
                let row = try await tx.execute(
                    """
                    SELECT redeemed_at IS NOT NULL AS redeemed, revoked_at IS NOT NULL AS revoked, expires_at <= now() AS expired
                    FROM warrants WHERE tenant_id = \(tenant) AND jti = \(jti)
                    """
                ).first
            else { return .notFound }
            if try row.decode(Bool.self, "revoked") { return .revoked }
            if try row.decode(Bool.self, "redeemed") { return .alreadyUsed }
            return .expired
        }
    }

    /// Revokes a warrant; `false` when the tenant has no such warrant. A `reason` is kept in the audit event.
    public func revoke(tenant: UUID, jti: String, by actor: AuditEvent.Actor, reason: String? = nil) async throws -> Bool {
        try await database.withTenant(tenant) { tx in
            let updated = try await tx.execute(
                """
                UPDATE warrants SET revoked_at = coalesce(revoked_at, now()) WHERE tenant_id = \(tenant) AND jti = \(jti)
                """)
            guard updated.affectedRows == 1 else { return false }
            try await audit.append(
                AuditEvent(
                    type: .warrantRevoked, actor: actor, subject: .init(kind: .warrant, id: jti),
                    data: reason.map { ["reason": .string($0)] } ?? [:]),
                tenant: tenant, in: tx)
            return true
        }
    }

    /// Whether the warrant was redeemed or revoked; `nil` when unknown.
    public func state(tenant: UUID, jti: String) async throws -> WarrantState? {
        try await database.withTenant(tenant) { tx in
            try await tx.execute(
                """
                SELECT redeemed_at IS NOT NULL AS redeemed, revoked_at IS NOT NULL AS revoked, expires_at, intent_id FROM warrants
                WHERE tenant_id = \(tenant) AND jti = \(jti)
                """
            ).first.map {
                WarrantState(
                    redeemed: try $0.decode(Bool.self, "redeemed"), revoked: try $0.decode(Bool.self, "revoked"),
                    expiresAt: try $0.decode(Date.self, "expires_at"), intentID: try $0.decode(UUID.self, "intent_id"))
            }
        }
    }
}
