import Foundation
import Hummingbird
import WritCore
import WritStore

extension PolicyToolsController {
    /// Replays a team's recorded intents under a draft policy, streaming each intent whose outcome
    /// would change and the totals per transition, in constant memory.
    @Sendable func backtest(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try context.requireAdmin(for: request)
        var body = try await JSONRequest.read(request, context: context)
        let team = body.uuid("team_id")
        let policyMember = body.value(optional: "policy")
        let sinceMember = body.date(optional: "since")
        let until = body.date(optional: "until") ?? Date()
        // Required, and reported missing after `until`, where their absence always was.
        let draft = body.require("policy", policyMember)
        let since = body.require("since", sinceMember)
        let valid = try body.finish()
        let tenant = principal.tenantID
        let (teamID, document, start) = try (valid[team], valid[draft], valid[since])
        try PolicyInputs.validate(document, at: "/policy")
        guard (try? await identity.team(tenant: tenant, id: teamID)) != nil else {
            throw Problem.invalid("The team does not exist.", errors: [.init(path: "/team_id", message: "is not a team of this tenant")])
        }
        let policy = try await policies.effective(tenant: tenant, team: teamID, draft: document)
        let queries = Array(policy.compiled.rateQueries)
        let history = self.history
        let work = self.work
        let compiled = policy.compiled
        let stream = ResponseBody { writer in
            var totals: [String: Int] = [:]
            var replayed = 0
            var changed = 0
            var cursor: (Date, UUID)?
            var buffer = ByteBuffer()
            buffer.writeString(#"{"team_id":"\#(teamID.uuidString.lowercased())","changes":["#)
            while true {
                let batch = try await history.replay(
                    tenant: tenant, team: teamID, since: start, until: until, after: cursor, limit: 1000, queries: queries)
                guard let last = batch.last else { break }
                // A client that hung up stops the replay; evaluation runs on the bounded CPU lane.
                guard context.clientIsConnected else { throw CancellationError() }
                let decisions = try await work.run { batch.map { compiled.evaluate($0.input, rateCounts: $0.rateCounts) } }
                for (intent, decision) in zip(batch, decisions) {
                    let now = decision.outcome == .deny ? "deny" : decision.tier!.rawValue
                    totals["\(intent.outcome)->\(now)", default: 0] += 1
                    replayed += 1
                    guard now != intent.outcome else { continue }
                    let line: JSONValue = [
                        "intent_id": .string(intent.id.uuidString.lowercased()), "created_at": .string(Timestamp.format(intent.createdAt)),
                        "action": .string(intent.input.action), "resource": .string(intent.input.resource),
                        "old": .string(intent.outcome), "new": .string(now), "rules": .array(decision.rules.map { .string($0.id) }),
                    ]
                    if changed > 0 { buffer.writeString(",") }
                    buffer.writeBytes(CanonicalJSON.bytes(line))
                    changed += 1
                }
                try await writer.write(buffer)
                buffer.clear()
                cursor = (last.createdAt, last.id)
            }
            let summary: JSONValue = [
                "replayed": .number(Double(replayed)), "changed": .number(Double(changed)),
                "totals": .object(totals.mapValues { .number(Double($0)) }),
                "policy": ["base_version": policy.baseVersion.map { .number(Double($0)) } ?? .null],
            ]
            var tail = CanonicalJSON.string(summary)
            tail.removeFirst()
            buffer.writeString("]," + tail)
            try await writer.write(buffer)
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: stream)
    }
}
