import Foundation
import Hummingbird
import WritCore
import WritStore

/// The policy enforcement point's credential: an agent's API key with the `intents` scope. The PEP
/// acts for that agent only: an evaluation whose `subject` names anyone else is refused.
struct AuthZENCaller: Sendable {
    let key: KeyPrincipal
    let agent: Agent

    static func agent(_ request: Request, context: AppRequestContext, identity: IdentityStore) async throws -> AuthZENCaller {
        guard case .apiKey(let key) = try context.requirePrincipal(for: request), key.scopes.contains(.intents), let agentID = key.agentID
        else {
            throw Problem.forbidden("Ask with an agent's API key that has the intents scope: the evaluation files that agent's intent.")
        }
        if let agent = key.agent { return AuthZENCaller(key: key, agent: agent) }
        return AuthZENCaller(key: key, agent: try await identity.agent(tenant: key.tenantID, id: agentID))
    }

    /// Refuses (403) a question about another subject than this agent (by its id or its name).
    func check(_ question: AuthZENQuestion) throws {
        let subject = question.subjectID
        guard subject.lowercased() == agent.id.uuidString.lowercased() || subject == agent.name else {
            throw Problem.forbidden("The subject must be this key's agent (its id or its name); a key never asks for another subject.")
        }
    }
}
