import Foundation
import Postgres
import WritCore
import WritCrypto

/// Intents: submission (IntentStore+Submission.swift), reading, and the warrant as each reader may see it.
public struct IntentStore: Sendable {
    let database: Database
    let audit: AuditLog
    let warrants: WarrantIssuer
    let boardLinks: BoardLinkIssuer
    let sealer: Sealer
    /// Concurrent T0 submissions of a tenant, committed together.
    let groups = SubmissionGroups()

    /// - Parameter issuer: the server's public base URL: warrants' `iss` and the base of board links.
    public init(database: Database, audit: AuditLog, signingKeys: SigningKeys, issuer: String, keys: KeyRing) {
        self.database = database
        self.audit = audit
        self.sealer = keys.sealer
        self.warrants = WarrantIssuer(signingKeys: signingKeys, sealer: sealer, issuer: issuer)
        self.boardLinks = BoardLinkIssuer(hasher: keys.hasher, links: keys.links, publicURL: issuer)
    }

    /// One intent of the tenant.
    public func intent(tenant: UUID, id: UUID) async throws -> IntentRecord {
        try await database.withTenant(tenant) { tx in try await Self.read(tenant: tenant, id: id, in: tx) }
    }

    static func read(tenant: UUID, id: UUID, in tx: Transaction) async throws -> IntentRecord {
        guard
            let row = try await tx.execute(
                """
                SELECT \(Self.columns) FROM intents i LEFT JOIN warrants w ON w.tenant_id = i.tenant_id AND w.intent_id = i.id
                WHERE i.tenant_id = \(tenant) AND i.id = \(id)
                """
            ).first
        else { throw StoreError.notFound("intent") }
        return try record(row)
    }

    static let columns: SQL = """
        i.id, i.agent_id, i.api_key_id, i.team_id, i.action, i.resource, i.params, i.target, i.justification, i.status, i.tier, i.decision, i.expires_at, i.created_at,
        i.request_hash, w.jti AS warrant_jti, w.token AS warrant, w.signature_sealed AS warrant_signature
        """

    static func record(_ row: PostgresRow) throws -> IntentRecord {
        IntentRecord(
            id: try row.decode(UUID.self, "id"), agentID: try row.decode(UUID?.self, "agent_id"),
            apiKeyID: try row.decode(UUID?.self, "api_key_id"), teamID: try row.decode(UUID.self, "team_id"),
            action: try row.decode(String.self, "action"), resource: try row.decode(String.self, "resource"),
            params: try JSONParser.parse(try row.decode(String.self, "params")), target: try row.decode(String?.self, "target"),
            justification: try row.decode(String?.self, "justification"),
            status: try row.decodeCase(IntentStatus.self, "status"), tier: try row.decodeCase(Tier?.self, "tier"),
            decision: try JSONParser.parse(try row.decode(String.self, "decision")),
            expiresAt: try row.decode(Date?.self, "expires_at"), createdAt: try row.decode(Date.self, "created_at"),
            issuedWarrant: nil, storedWarrant: try storedWarrant(row))
    }

    private static func storedWarrant(_ row: PostgresRow) throws -> StoredWarrant? {
        guard let jti = try row.decode(String?.self, "warrant_jti") else { return nil }
        guard let signingInput = try row.decode(String?.self, "warrant") else { throw StoreError.corrupt("warrant") }
        return StoredWarrant(jti: jti, signingInput: signingInput, sealedSignature: try row.decode(Bytea?.self, "warrant_signature")?.bytes)
    }

    /// The usable warrant token of an approved intent, for the API key that submitted it and no
    /// other credential — not another key of the same agent, which an admin could mint at any time.
    public func bearerWarrant(of record: IntentRecord, for key: KeyPrincipal) throws -> String? {
        guard record.apiKeyID == key.keyID, record.agentID == key.agentID else { return nil }
        return try warrantToken(of: record, tenant: key.tenantID)
    }

    /// The warrant token itself, to compare a presented one with; never to hand out.
    public func warrantToken(of record: IntentRecord, tenant: UUID) throws -> String? {
        if let issued = record.issuedWarrant { return issued.token }
        return try record.storedWarrant?.token(tenant: tenant, sealer: sealer)
    }

    /// The warrant's claims, for anyone who may read the intent.
    public static func warrantClaims(of record: IntentRecord) -> JSONValue? {
        if let issued = record.issuedWarrant { return issued.claims }
        return record.storedWarrant?.claims
    }
}
