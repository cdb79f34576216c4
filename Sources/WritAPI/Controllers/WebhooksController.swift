import Foundation
import Hummingbird
import WritCore
import WritStore

/// Webhook endpoints (admin): made with a secret shown once, listed, changed, deleted, secrets
/// rotated with an overlap, and every delivery with its attempts, redeliverable.
struct WebhooksController {
    let webhooks: WebhookStore
    /// Whether destinations in private ranges are allowed (`WRIT_WEBHOOK_ALLOW_PRIVATE`).
    let allowPrivate: Bool
    /// How long the secret a rotation replaces keeps signing too.
    static let rotationOverlap: TimeInterval = 24 * 3600

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("/v1/webhooks", use: create)
        router.get("/v1/webhooks", use: list)
        router.get("/v1/webhooks/{id}", use: show)
        router.patch("/v1/webhooks/{id}", use: update)
        router.delete("/v1/webhooks/{id}", use: delete)
        router.post("/v1/webhooks/{id}/rotate-secret", use: rotate)
        router.get("/v1/webhooks/{id}/deliveries", use: deliveries)
        router.get("/v1/webhooks/{id}/deliveries/{delivery_id}", use: delivery)
        router.post("/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver", use: redeliver)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requireAdmin(for: request)
        var body = try await JSONRequest.read(request, context: context)
        let url = body.require("url", webhookURL(&body))
        let events = body.require("events", eventTypes(&body))
        var kind = WebhookEndpoint.Kind.standard
        if let text = body.string(optional: "kind", maxLength: 20) {
            if let parsed = WebhookEndpoint.Kind(rawValue: text) { kind = parsed } else { body.fail("kind", "must be standard or slack") }
        }
        let description = body.string(optional: "description", maxLength: 500)
        let ordered = body.bool(optional: "ordered") ?? false
        let valid = try body.finish()
        let (endpoint, secret) = try await webhooks.create(
            tenant: principal.tenantID, url: valid[url], kind: kind, events: valid[events], description: description, ordered: ordered,
            by: principal)
        var response = JSONBody.response(WebhookJSON.endpoint(endpoint, secret: secret), status: .created)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requireAdmin(for: request)
        let page = try await webhooks.endpoints(tenant: principal.tenantID, page: try RouteInput.page(request))
        return JSONBody.response(IdentityJSON.page(page) { WebhookJSON.endpoint($0) })
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requireAdmin(for: request)
        return JSONBody.response(
            WebhookJSON.endpoint(try await webhooks.endpoint(tenant: principal.tenantID, id: try RouteInput.id(context))))
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requireAdmin(for: request)
        let id = try RouteInput.id(context)
        var body = try await JSONRequest.read(request, context: context)
        var changes = WebhookEndpointChanges()
        changes.url = webhookURL(&body)
        changes.events = eventTypes(&body)
        if body.has("description") {
            changes.setsDescription = true
            changes.description = body.string(optional: "description", maxLength: 500)
        }
        changes.ordered = body.bool(optional: "ordered")
        changes.disabled = body.bool(optional: "disabled")
        try body.finish()
        return JSONBody.response(
            WebhookJSON.endpoint(try await webhooks.update(tenant: principal.tenantID, id: id, changes: changes, by: principal)))
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requireAdmin(for: request)
        try await webhooks.delete(tenant: principal.tenantID, id: try RouteInput.id(context), by: principal)
        return Response(status: .noContent)
    }

    @Sendable func rotate(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requireAdmin(for: request)
        let (endpoint, secret) = try await webhooks.rotateSecret(
            tenant: principal.tenantID, id: try RouteInput.id(context), overlap: Self.rotationOverlap, by: principal)
        var response = JSONBody.response(WebhookJSON.endpoint(endpoint, secret: secret), status: .created)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    @Sendable func deliveries(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requireAdmin(for: request)
        let page = try await webhooks.deliveries(
            tenant: principal.tenantID, endpoint: try RouteInput.id(context), page: try RouteInput.page(request))
        return JSONBody.response(IdentityJSON.page(page, WebhookJSON.delivery))
    }

    @Sendable func delivery(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requireAdmin(for: request)
        let found = try await webhooks.delivery(
            tenant: principal.tenantID, endpoint: try RouteInput.id(context), id: try RouteInput.id(context, "delivery_id"))
        return JSONBody.response(WebhookJSON.delivery(found))
    }

    @Sendable func redeliver(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requireAdmin(for: request)
        let found = try await webhooks.redeliver(
            tenant: principal.tenantID, endpoint: try RouteInput.id(context), id: try RouteInput.id(context, "delivery_id"), by: principal)
        return JSONBody.response(WebhookJSON.delivery(found), status: .accepted)
    }

    /// `url` when present: http(s) with a host; a literal address in a refused range is refused now
    /// (names are checked on every address they resolve to, at each delivery).
    private func webhookURL(_ body: inout JSONRequest) -> String? {
        guard let text = body.string(optional: "url", maxLength: 2048) else { return nil }
        guard let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), let host = url.host, !host.isEmpty,
            url.user == nil, url.password == nil, !text.contains(" ")
        else {
            body.fail("url", "must be an http or https URL with a host and no credentials")
            return nil
        }
        // A zone id (`[fe80::1%25eth0]`) names an interface of this host: never a webhook's.
        if host.contains("%") {
            body.fail("url", "points at a refused address (a zone id)")
            return nil
        }
        if let address = WebhookResolver.literal(host),
            let refusal = WebhookDestination.refusal(address: address, allowPrivate: allowPrivate)
        {
            body.fail("url", "points at a refused address (\(refusal.rawValue))")
            return nil
        }
        return text
    }

    /// `events` when present: at least one event type.
    private func eventTypes(_ body: inout JSONRequest) -> [WebhookEventType]? {
        let types = body.list(optional: "events", maxCount: WebhookEventType.allCases.count, WebhookEventType.init(rawValue:))
        if types?.isEmpty == true { body.fail("events", "must name at least one event type") }
        return types.map { Array(Set($0)).sorted() }
    }
}
