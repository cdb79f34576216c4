import Foundation
import Postgres
import WritCore

/// The NOTIFY channel every node listens on for changes other nodes made (cache invalidations,
/// intents that changed), and the notices the store sends on it inside its own transactions.
public enum NodeEventChannel {
    public static let name = "writ_events"

    /// The kinds of notice a node sends.
    public enum Kind: String, Sendable {
        /// Keys or agents of the tenant changed: drop its cached keys.
        case credentialsChanged = "credentials.changed"
        /// A policy of the tenant changed: drop its compiled policies.
        case policyChanged = "policy.changed"
        /// The tenant's signing key was rotated.
        case signingKeyRotated = "signing_key.rotated"
        /// An intent changed (payload member `intent`): wake its waiters and the tenant's.
        case intentChanged = "intent.changed"
        /// The tenant's audit chain grew: event streams read on from where they are.
        case auditAppended = "audit.appended"
    }

    /// The statement that tells every node, when the transaction commits, that `intent` changed
    /// (waiters wake). Sent inside the transaction, so a crash after commit cannot lose it and it
    /// costs no extra connection.
    static func intentChanged(tenant: UUID, intent: UUID) -> SQL {
        "SELECT pg_notify(\(name), \(payload(.intentChanged, tenant: tenant, extra: ["intent": .string(intent.uuidString.lowercased())])))"
    }

    /// The statement that tells every node, when the transaction commits, that the tenant's chain
    /// grew. The payload names no sequence number, so PostgreSQL folds a transaction's notices for
    /// one tenant into one; a stream reads what is new from the chain itself.
    static func auditAppended(tenant: UUID) -> SQL {
        "SELECT pg_notify(\(name), \(payload(.auditAppended, tenant: tenant)))"
    }

    /// The notice's JSON: its type, the tenant, and any extra members.
    public static func payload(_ kind: Kind, tenant: UUID, extra: [String: JSONValue] = [:]) -> String {
        var members: [String: JSONValue] = ["type": .string(kind.rawValue), "tenant": .string(tenant.uuidString.lowercased())]
        members.merge(extra) { first, _ in first }
        return CanonicalJSON.string(.object(members))
    }
}
