import Foundation
import Postgres
import WritCore
import WritCrypto

/// One line of an evidence pack's `intents.ndjson`.
enum EvidenceIntent {
    static func json(_ row: PostgresRow, decisions: [JSONValue], tenant: UUID, sealer: Sealer) throws -> JSONValue {
        let id = try row.decode(UUID.self, "id")
        let text = { (name: String) in try row.decode(String?.self, name).map(JSONValue.string) ?? .null }
        let time = { (name: String) in try row.decode(Date?.self, name).map { JSONValue.string(Timestamp.format($0)) } ?? .null }
        let policyKey = try row.decode(UUID?.self, "policy_key")
        let evaluation = try row.decode(String?.self, "evaluation").map { try JSONParser.parse($0) }
        return [
            "id": .string(id.uuidString.lowercased()),
            "agent_id": try row.decode(UUID?.self, "agent_id").map { .string($0.uuidString.lowercased()) } ?? .null,
            "team_id": .string(try row.decode(UUID.self, "team_id").uuidString.lowercased()),
            "action": try text("action"), "resource": try text("resource"),
            "params": try JSONParser.parse(try row.decode(String.self, "params")),
            "target": try text("target"), "justification": try text("justification"), "status": try text("status"),
            "outcome": try text("outcome"), "tier": try text("tier"),
            "decision": try row.decode(String?.self, "decision").map { try JSONParser.parse($0) } ?? .null,
            "policy": [
                "id": policyKey.map { .string($0.uuidString.lowercased()) } ?? .null,
                "version": try row.decode(Int?.self, "policy_version").map { .number(Double($0)) } ?? .null,
                "base_version": evaluation?["base_version"] ?? .null,
            ],
            "evaluation": evaluation ?? .null,
            "required_approvals": try row.decode(Int?.self, "required_approvals").map { .number(Double($0)) } ?? .null,
            "excluded_approvers": .array(try row.words("excluded").map(JSONValue.string)),
            "created_at": try time("created_at"), "updated_at": try time("updated_at"), "expires_at": try time("expires_at"),
            "result": try text("result"), "result_summary": try text("result_summary"),
            "approvals": .array(decisions),
            "warrant": try warrant(row, tenant: tenant, sealer: sealer),
        ]
    }

    /// The warrant's claims and state; the full compact JWS only when it can no longer be used
    /// (redeemed, revoked or expired), so a pack never carries a presentable warrant.
    private static func warrant(_ row: PostgresRow, tenant: UUID, sealer: Sealer) throws -> JSONValue {
        guard let jti = try row.decode(String?.self, "jti"), let signingInput = try row.decode(String?.self, "token") else { return .null }
        let stored = StoredWarrant(
            jti: jti, signingInput: signingInput, sealedSignature: try row.decode(Bytea?.self, "signature_sealed")?.bytes)
        let state =
            try row.decode(Bool.self, "revoked")
            ? "revoked"
            : try row.decode(Bool.self, "redeemed")
                ? "redeemed"
                : try row.decode(Bool.self, "expired") ? "expired" : "usable"
        let token = state == "usable" ? nil : try stored.token(tenant: tenant, sealer: sealer)
        return [
            "jti": .string(jti), "state": .string(state), "claims": stored.claims ?? .null,
            "token": token.map(JSONValue.string) ?? .null,
        ]
    }
}
