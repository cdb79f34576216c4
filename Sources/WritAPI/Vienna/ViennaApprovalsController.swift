import Foundation
import Hummingbird
import WritCore
import WritCrypto
import WritStore

/// Vienna OS's proposal and warrant routes: approvals by people only, denial by a person (a
/// rejection) or by the submitting agent (a cancellation), and warrants looked up by `jti`.
struct ViennaApprovalsController {
    let intents: IntentStore
    let approvals: ApprovalStore
    let warrants: WarrantStore
    let identity: IdentityStore
    let waiters: IntentWaiters

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("/api/v1/proposals/{id}/approve", use: approve)
        router.post("/api/v1/proposals/{id}/deny", use: deny)
        router.post("/api/v1/warrants/verify", use: verify)
        router.get("/api/v1/warrants/{jti}", use: show)
        router.post("/api/v1/warrants/{jti}/revoke", use: revoke)
    }

    /// vienna-os `approve_proposal`: one person's approval, under the same rules as the console
    /// (eligible role, never the agent's owner, distinct people; T2 needs a TOTP code, which the
    /// SDK cannot send; T3 is the board's). Answers the warrant once the approval completed it.
    @Sendable func approve(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal(for: request)
        guard case .user(let user) = principal else {
            throw Problem.forbidden("Proposals are approved by people: send an operator's session token (Bearer wss_…), never an API key.")
        }
        let id = try RouteInput.id(context)
        var body = try await ViennaBody.read(request, principal: principal, identity: identity).body
        // Informational only: the approver is the person whose session this is.
        _ = body.string(optional: "approved_by", maxLength: 256)
        let reason = body.readableText(optional: "reason")
        try body.finish()
        let record = try await approvals.decide(
            tenant: user.tenantID, intent: id, user: user, decision: .approve, comment: reason, code: nil, identity: identity)
        waiters.wakeLocally(tenant: user.tenantID, intent: id)
        guard let claims = IntentStore.warrantClaims(of: record) else {
            throw Problem(
                status: .conflict, type: "approval-pending", title: "More approvals needed",
                detail: "Your approval is recorded; the intent still waits for other approvers.")
        }
        // The approver sees the warrant's id and expiry, never its signature: the header is fixed and
        // every member can read the claims, so the signature alone would rebuild the agent's token.
        return JSONBody.response(["warrant": ViennaJSON.warrant(claims, signature: nil), "proposal": Self.proposal(record)])
    }

    /// vienna-os `deny_proposal`: a person's rejection, or the submitting agent withdrawing it.
    @Sendable func deny(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal(for: request)
        let id = try RouteInput.id(context)
        let record: IntentRecord
        switch principal {
        case .user(let user):
            var body = try await ViennaBody.read(request, principal: principal, identity: identity).body
            _ = body.string(optional: "denied_by", maxLength: 256)
            let reason = body.readableText(optional: "reason")
            try body.finish()
            record = try await approvals.decide(
                tenant: user.tenantID, intent: id, user: user, decision: .reject, comment: reason, code: nil, identity: identity)
        case .apiKey:
            let caller = try ViennaCaller.agent(request, context: context)
            var body = try await ViennaBody.read(request, principal: principal, identity: identity).body
            let deniedBy = body.string(optional: "denied_by", maxLength: 256)
            _ = body.readableText(optional: "reason")
            try body.finish()
            if let deniedBy { try caller.check(deniedBy, field: "denied_by") }
            record = try await approvals.cancel(tenant: caller.key.tenantID, intent: id, agent: caller.agentID)
        }
        waiters.wakeLocally(tenant: principal.tenantID, intent: id)
        return JSONBody.response(["proposal": Self.proposal(record)])
    }

    /// vienna-os `verify_warrant`: whether the warrant may still be used. With `signature` (the
    /// compact JWS, or its signature part) it must also be exactly what Writ issued.
    @Sendable func verify(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal(for: request)
        var body = try await ViennaBody.read(request, principal: principal, identity: identity).body
        let warrantID = body.string("warrant_id", maxLength: 64)
        let presented = body.secret(optional: "signature", maxBytes: 64 * 1024)
        let jti = try body.finish()[warrantID]
        guard let state = try await warrants.state(tenant: principal.tenantID, jti: jti) else { throw Problem.notFound("No such warrant.") }
        var valid = state.usable
        if let presented {
            let record = try await intents.intent(tenant: principal.tenantID, id: state.intentID)
            let token = try intents.warrantToken(of: record, tenant: principal.tenantID) ?? ""
            let signaturePart = String(token.split(separator: ".").last ?? "")
            valid =
                valid
                && (ConstantTime.equals(Array(presented.utf8), Array(token.utf8))
                    || ConstantTime.equals(Array(presented.utf8), Array(signaturePart.utf8)))
        }
        return JSONBody.response([
            "valid": .bool(valid), "warrant_id": .string(jti), "expires_at": IdentityJSON.time(state.expiresAt),
            "revoked": .bool(state.revoked),
        ])
    }

    /// vienna-sdk `verify_warrant`: the warrant's state and contents; the presentable warrant only
    /// for the agent it was issued to.
    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal(for: request)
        let jti = try WarrantsController.jti(context)
        guard let state = try await warrants.state(tenant: principal.tenantID, jti: jti) else { throw Problem.notFound("No such warrant.") }
        let record = try await intents.intent(tenant: principal.tenantID, id: state.intentID)
        var bearer: String?
        if case .apiKey(let key) = principal, !key.scopes.contains(.admin) {
            guard record.agentID == (try ViennaCaller.agent(request, context: context)).agentID else {
                throw Problem.notFound("No such warrant.")
            }
            bearer = try intents.bearerWarrant(of: record, for: key)
        }
        let claims = IntentStore.warrantClaims(of: record) ?? .null
        return JSONBody.response([
            "warrant_id": .string(jti), "valid": .bool(state.usable), "revoked": .bool(state.revoked), "redeemed": .bool(state.redeemed),
            "expires_at": IdentityJSON.time(state.expiresAt), "intent_id": IdentityJSON.id(record.id),
            "warrant": ViennaJSON.sdkWarrant(claims, bearer: bearer),
        ])
    }

    /// vienna-os `revoke_warrant`: by an admin, or by the agent the warrant was issued to (giving
    /// up authority is always allowed).
    @Sendable func revoke(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal(for: request)
        let jti = try WarrantsController.jti(context)
        let caller = principal.isAdmin ? nil : try ViennaCaller.agent(request, context: context)
        guard let state = try await warrants.state(tenant: principal.tenantID, jti: jti) else { throw Problem.notFound("No such warrant.") }
        if let caller, try await intents.intent(tenant: principal.tenantID, id: state.intentID).agentID != caller.agentID {
            throw Problem.notFound("No such warrant.")
        }
        var body = try await ViennaBody.read(request, principal: principal, identity: identity).body
        let reason = body.readableText(optional: "reason")
        try body.finish()
        guard try await warrants.revoke(tenant: principal.tenantID, jti: jti, by: principal.actor, reason: reason) else {
            throw Problem.notFound("No such warrant.")
        }
        return JSONBody.response(["warrant_id": .string(jti), "revoked": true])
    }

    private static func proposal(_ record: IntentRecord) -> JSONValue {
        ["id": IdentityJSON.id(record.id), "state": .string(record.status.rawValue), "risk_tier": .string(ViennaJSON.tier(record))]
    }
}
