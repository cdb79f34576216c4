import Foundation
import HTTPTypes
import Hummingbird
import WritCore
import WritStore

/// The OpenID AuthZEN Authorization API 1.0 (docs/authzen.md): a policy enforcement point (a
/// gateway, an identity provider) asks with an agent's API key whether that agent may act, and
/// each evaluation files an intent under the agent's team policy — the same tiers, approvals,
/// audit chain and idempotency as `POST /v1/intents`.
struct AuthZENController {
    let filing: IntentFiling
    /// The server's public base URL: the PDP identifier and the console's links.
    let publicURL: String
    /// The most evaluations one batch may hold.
    static let maxEvaluations = 100

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("/access/v1/evaluation", use: evaluation)
        router.post("/access/v1/evaluations", use: evaluations)
        router.get("/.well-known/authzen-configuration", use: configuration)
    }

    /// PDP metadata (§9): where the evaluation endpoints are. No credential needed.
    @Sendable func configuration(_ request: Request, context: AppRequestContext) async throws -> Response {
        JSONBody.response([
            "policy_decision_point": .string(publicURL),
            "access_evaluation_endpoint": .string("\(publicURL)/access/v1/evaluation"),
            "access_evaluations_endpoint": .string("\(publicURL)/access/v1/evaluations"),
        ])
    }

    @Sendable func evaluation(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try await AuthZENCaller.agent(request, context: context, identity: filing.identity)
        let body = try await Self.object(request)
        var errors: [Problem.FieldError] = []
        let requestID = request.headers[.xRequestID]
        let question = AuthZENQuestion.read(.object(body), pointer: "", requestID: requestID, errors: &errors)
        guard let question else { throw Self.badRequest(errors) }
        try caller.check(question)
        return respond(try await decide(question, caller: caller), requestID: requestID)
    }

    /// A batch (§7): the top-level members are defaults; `options.evaluations_semantic` is
    /// `execute_all` (the default), `deny_on_first_deny` or `permit_on_first_permit`.
    @Sendable func evaluations(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try await AuthZENCaller.agent(request, context: context, identity: filing.identity)
        var body = try await Self.object(request)
        let requestID = request.headers[.xRequestID]
        var errors: [Problem.FieldError] = []
        let semantic = AuthZENSemantic.read(body["options"], errors: &errors)
        let items: [JSONValue]
        switch body.removeValue(forKey: "evaluations") {
        case nil, .null?: items = []
        case .array(let array)?: items = array
        case _?:
            errors.append(.init(path: "/evaluations", message: "must be an array"))
            items = []
        }
        if items.count > Self.maxEvaluations {
            errors.append(.init(path: "/evaluations", message: "may hold at most \(Self.maxEvaluations) evaluations"))
        }
        if items.isEmpty {
            // Without evaluations the request is a single evaluation (§7.1).
            let question = AuthZENQuestion.read(.object(body), pointer: "", requestID: requestID, errors: &errors)
            guard errors.isEmpty, let question else { throw Self.badRequest(errors) }
            try caller.check(question)
            return respond(try await decide(question, caller: caller), requestID: requestID)
        }
        let questions = items.enumerated().map { index, item in
            AuthZENQuestion.read(
                item, defaults: body, pointer: "/evaluations/\(index)", requestID: requestID.map { "\($0)#\(index)" }, errors: &errors)
        }
        guard errors.isEmpty else { throw Self.badRequest(errors) }
        var decisions: [JSONValue] = []
        for question in questions.compactMap({ $0 }) {
            let decision: JSONValue
            do {
                try caller.check(question)
                decision = try await decide(question, caller: caller)
            } catch let problem as Problem where problem.status < 500 {
                decision = AuthZENDecision.error(status: problem.status, message: problem.detail)
            }
            decisions.append(decision)
            if semantic.stops(after: decision["decision"] == .bool(true)) { break }
        }
        return respond(["evaluations": .array(decisions)], requestID: requestID)
    }

    /// Files the question as the caller's agent's intent and answers it as a decision.
    private func decide(_ question: AuthZENQuestion, caller: AuthZENCaller) async throws -> JSONValue {
        let submission = IntentSubmission(
            action: question.action, resource: question.resource, params: question.params, target: nil, justification: nil,
            idempotencyKey: question.idempotencyKey)
        try IntentFiling.checkSize(submission, field: "resource/properties")
        let (record, _) = try await filing.file(submission, key: caller.key, agentID: caller.agent.id)
        let bearer = try filing.intents.bearerWarrant(of: record, for: caller.key)
        return AuthZENDecision.json(record, bearer: bearer, consoleURL: publicURL)
    }

    private func respond(_ value: JSONValue, requestID: String?) -> Response {
        var response = JSONBody.response(value)
        if let requestID { response.headers[.xRequestID] = requestID }
        return response
    }

    /// The body as a JSON object (415, 413 and 400 for anything else).
    private static func object(_ request: Request) async throws -> [String: JSONValue] {
        guard case .object(let members) = try await JSONRequest.body(request) else {
            throw badRequest([.init(path: "", message: "must be a JSON object")])
        }
        return members
    }

    /// AuthZEN answers a request missing a required attribute with 400 (§10.1.1).
    static func badRequest(_ errors: [Problem.FieldError]) -> Problem {
        Problem(
            status: .badRequest, type: "invalid-request", title: "Invalid request",
            detail: "The evaluation request has \(errors.count) invalid field\(errors.count == 1 ? "" : "s").", errors: errors)
    }
}

extension HTTPField.Name {
    /// AuthZEN's request identifier (§10.1.3), echoed in the response.
    static let xRequestID = HTTPField.Name("X-Request-ID")!
}
