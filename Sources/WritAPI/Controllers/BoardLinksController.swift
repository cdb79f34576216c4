import Foundation
import Hummingbird
import WritCore
import WritStore

/// The board's personal approval links: view (changes nothing) and decide (consumes the link).
struct BoardLinksController {
    let links: BoardLinks
    let identity: IdentityStore
    let throttle: AuthThrottle
    let waiters: IntentWaiters

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("/v1/approval-links/view", use: view)
        router.post("/v1/approval-links/decide", use: decide)
    }

    @Sendable func view(_ request: Request, context: AppRequestContext) async throws -> Response {
        var body = try await JSONRequest.read(request, context: context)
        let token = body.secret("token")
        let valid = try body.finish()
        let view = try await open(valid[token], source: context.source)
        var response = JSONBody.response([
            "intent": view.details, "member": ["email": .string(view.memberEmail)], "totp_required": .bool(view.totpRequired),
        ])
        response.headers[.cacheControl] = "no-store"
        return response
    }

    @Sendable func decide(_ request: Request, context: AppRequestContext) async throws -> Response {
        var body = try await JSONRequest.read(request, context: context)
        let token = body.secret("token")
        let decisionText = body.string("decision", maxLength: 10)
        let comment = body.readableText(optional: "comment")
        let code = body.string(optional: "totp", maxLength: 32)
        let decision = body.decision("decision", from: decisionText)
        let valid = try body.finish()
        let (link, choice) = try (valid[token], valid[decision])
        let view = try await open(link, source: context.source)
        if view.totpRequired, code == nil {
            throw Problem(
                status: .unauthorized, type: "totp-required", title: "TOTP code required",
                detail: "You have two-factor authentication: send `totp` with a current code.")
        }
        let decide = { try await links.decide(token: link, decision: choice, comment: comment, code: code, identity: identity) }
        let decided = code == nil ? try await decide() : try await SecondFactor.throttled(user: view.member, throttle: throttle, decide)
        guard let (record, _) = decided else { throw try await refused(link) }
        waiters.wakeLocally(tenant: view.tenant, intent: view.intent)
        return JSONBody.response(["status": .string(record.status.rawValue), "intent": .string(record.id.uuidString.lowercased())])
    }

    /// The link's view, or its refusal. Tokens guessed from one client address are throttled like
    /// invitation tokens (ten misses, then growing delays); a real link, used or not, costs nothing.
    private func open(_ token: String, source: String) async throws -> BoardLinkView {
        let subjects = [(ThrottleRule.tokenSource, source)]
        if let wait = try await throttle.reserve(subjects) {
            throw Problem(
                status: .tooManyRequests, type: "throttled", title: "Too many attempts",
                detail: "Too many approval links tried from here; try again later.", retryAfter: wait)
        }
        guard let view = try await links.view(token: token) else {
            let problem = try await refused(token)
            if problem.type.hasSuffix(":" + Self.invalidLinkType) {
                try await throttle.failed(subjects)
            } else {
                try await throttle.succeeded(subjects)
            }
            throw problem
        }
        try await throttle.succeeded(subjects)
        return view
    }

    private static let invalidLinkType = "approval-link-invalid"

    /// The problem for a link that no longer opens its intent, saying which of the reasons it is.
    private func refused(_ token: String) async throws -> Problem {
        switch try await links.refusal(token: token) {
        case .used:
            Problem(
                status: .notFound, type: "approval-link-used", title: "Approval link already used",
                detail: "A decision was already recorded with this link. Each link takes one decision.")
        case .expired:
            Problem(
                status: .notFound, type: "approval-link-expired", title: "Approval link expired",
                detail: "The intent's deadline has passed, and its links expired with it.")
        case .unknown:
            Problem(
                status: .notFound, type: Self.invalidLinkType, title: "Approval link not valid",
                detail: "This link is not one Writ issued. Check that the whole link was copied from the email.")
        }
    }
}
