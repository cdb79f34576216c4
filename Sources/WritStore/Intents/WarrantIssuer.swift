import Foundation
import Postgres
import WritCore
import WritCrypto

/// Signs and stores the one warrant of an approved intent, inside the approving transaction.
public struct WarrantIssuer: Sendable {
    let signingKeys: SigningKeys
    /// Seals each warrant's signature at rest: the stored row shows the claims, not a usable token.
    let sealer: Sealer
    /// The server's public base URL, the warrants' `iss`.
    let issuer: String

    /// Signs a warrant for `intent` and stores it; returns the compact JWS and the `warrant.issued`
    /// event, which the caller appends to the chain with the transaction's other events.
    func issue(
        tenant: UUID, intent: UUID, agent: UUID, submission: IntentSubmission, tier: Tier, warrantTTL: Int, policyKey: UUID,
        policyVersion: Int, approvals: [WarrantClaims.Approval], in tx: Transaction
    ) async throws -> (token: String, event: AuditEvent) {
        let signed = try await sign(
            tenant: tenant, intent: intent, agent: agent, submission: submission, tier: tier, warrantTTL: warrantTTL, policyKey: policyKey,
            policyVersion: policyVersion, approvals: approvals, in: tx)
        try await tx.execute(signed.insert)
        return (signed.token, signed.event)
    }

    /// Signs a warrant for `intent`; returns the token, the statement that stores it and the
    /// `warrant.issued` event, for a caller that sends the statement with others in one round trip.
    /// (The transaction is used only when the tenant's signing key is not cached yet.)
    func sign(
        tenant: UUID, intent: UUID, agent: UUID, submission: IntentSubmission, tier: Tier, warrantTTL: Int, policyKey: UUID,
        policyVersion: Int, approvals: [WarrantClaims.Approval], in tx: Transaction
    ) async throws -> (token: String, claims: JSONValue, insert: SQL, event: AuditEvent) {
        let key = try await signingKeys.activeKey(tenant: tenant, in: tx)
        let now = Int64(Date().timeIntervalSince1970)
        let ttl = Int64(min(warrantTTL, PolicyDocument.maxWarrantTTL))
        let audience = submission.target ?? String(submission.action.split(separator: ".").first ?? Substring(submission.action))
        let claims = WarrantClaims(
            iss: issuer, sub: agent.uuidString.lowercased(), aud: audience, jti: Warrant.newID(), iat: now, nbf: now, exp: now + ttl,
            tenant: tenant.uuidString.lowercased(), intent: intent.uuidString.lowercased(), action: submission.action,
            resource: submission.resource, tier: tier,
            actionDigest: submission.actionDigest,
            policyID: policyKey.uuidString.lowercased(), policyVersion: policyVersion, approvals: approvals)
        let token = try Warrant.sign(claims, kid: key.kid, key: key.key)
        let stored = try StoredWarrant.seal(token, tenant: tenant, jti: claims.jti, sealer: sealer)
        // Conditional, so that in a pipeline whose intent insert was refused it inserts nothing rather than fail.
        let insert: SQL = """
            INSERT INTO warrants (tenant_id, jti, intent_id, kid, token, signature_sealed, expires_at)
            SELECT \(tenant), \(claims.jti), \(intent), \(key.kid), \(stored.signingInput), \(Bytea(stored.sealedSignature)),
                   \(Date(timeIntervalSince1970: TimeInterval(claims.exp)))
            WHERE EXISTS (SELECT 1 FROM intents WHERE tenant_id = \(tenant) AND id = \(intent))
            """
        let event = AuditEvent(
            type: .warrantIssued, actor: .system, subject: .init(kind: .warrant, id: claims.jti),
            data: ["intent": .string(claims.intent), "aud": .string(audience), "exp": .number(Double(claims.exp)), "kid": .string(key.kid)])
        return (token, claims.json, insert, event)
    }
}
