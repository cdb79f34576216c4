/// A state change to record in a tenant's audit chain, before it has a place in the chain.
public struct AuditEvent: Sendable, Equatable {
    /// Who or what caused a change.
    public struct Party: Sendable, Equatable {
        /// `user`, `agent`, `api_key`, `system`, `intent`, `tenant`, …
        public let kind: String
        /// The party's id, `nil` for the system.
        public let id: String?

        public init(kind: String, id: String?) {
            self.kind = kind
            self.id = id
        }

        /// Writ itself (sweepers, background jobs).
        public static let system = Party(kind: "system", id: nil)

        var json: JSONValue {
            ["kind": .string(kind), "id": id.map(JSONValue.string) ?? .null]
        }
    }

    /// Dotted event type, e.g. `member.invited`.
    public let type: String
    /// Who did it.
    public let actor: Party
    /// What it was done to, if anything.
    public let subject: Party?
    /// Event-specific details; never secrets.
    public let data: [String: JSONValue]

    public init(type: String, actor: Party, subject: Party? = nil, data: [String: JSONValue] = [:]) {
        self.type = type
        self.actor = actor
        self.subject = subject
        self.data = data
    }
}
