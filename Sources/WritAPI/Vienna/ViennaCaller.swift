import Foundation
import HTTPTypes
import Hummingbird
import WritCore
import WritStore

/// The agent behind a Vienna OS request: an agent's API key with the `intents` scope.
///
/// Vienna's SDKs name their agent in the body (`agent_id`), the `X-Vienna-Agent` header and some
/// paths; every such name must be the key's own agent, by id or by name, else 403: a key never
/// speaks for another agent.
struct ViennaCaller {
    let key: KeyPrincipal
    let agentID: UUID

    /// The calling agent, or 401/403; checks `X-Vienna-Agent` when sent.
    static func agent(_ request: Request, context: AppRequestContext) throws -> ViennaCaller {
        guard case .apiKey(let key) = try context.requirePrincipal(for: request), key.scopes.contains(.intents), let agentID = key.agentID
        else {
            throw Problem.forbidden("Use an agent's API key with the intents scope.")
        }
        let caller = ViennaCaller(key: key, agentID: agentID)
        if let header = request.headers[.viennaAgent] { try caller.check(header, field: "X-Vienna-Agent") }
        return caller
    }

    /// The key's agent, from the key when it carries it.
    func agent(identity: IdentityStore) async throws -> Agent {
        if let agent = key.agent { return agent }
        return try await identity.agent(tenant: key.tenantID, id: agentID)
    }

    /// Refuses (403) a name that is neither the key's agent's id nor its name.
    func check(_ name: String, field: String) throws {
        guard names(name) else {
            throw Problem.forbidden("\(field) names another agent than this key's; use the agent's id or name.")
        }
    }

    /// Whether `name` is the key's agent's id (any case) or its name.
    func names(_ name: String) -> Bool {
        UUID(uuidString: name) == agentID || (key.agent.map { $0.name == name } ?? false)
    }
}

extension HTTPField.Name {
    /// The agent a Vienna OS SDK says it speaks for.
    static let viennaAgent = HTTPField.Name("X-Vienna-Agent")!
    /// `hmac-sha256:<hex>` over the body, under the key's signing secret.
    static let viennaSignature = HTTPField.Name("X-Vienna-Signature")!
    /// The Unix time a signed request was made at; signed with its body (``ViennaBody``).
    static let viennaTimestamp = HTTPField.Name("X-Vienna-Timestamp")!
}
