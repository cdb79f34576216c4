import Foundation
import Postgres
import WritCore

/// The NOTIFY channel every node listens on for changes other nodes made (cache invalidations,
/// intents that changed), and the notices the store sends on it inside its own transactions.
public enum NodeEventChannel {
    public static let name = "writ_events"

    /// The statement that tells every node, when the transaction commits, that `intent` changed
    /// (waiters wake). Sent inside the transaction, so a crash after commit cannot lose it and it
    /// costs no extra connection.
    static func intentChanged(tenant: UUID, intent: UUID) -> SQL {
        "SELECT pg_notify(\(name), \(payload("intent.changed", tenant: tenant, extra: ["intent": .string(intent.uuidString.lowercased())])))"
    }

    /// The notice's JSON: its type, the tenant, and any extra members.
    public static func payload(_ type: String, tenant: UUID, extra: [String: JSONValue] = [:]) -> String {
        var members: [String: JSONValue] = ["type": .string(type), "tenant": .string(tenant.uuidString.lowercased())]
        members.merge(extra) { first, _ in first }
        return CanonicalJSON.string(.object(members))
    }
}
