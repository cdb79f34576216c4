/// A state change to record in a tenant's audit chain, before it has a place in the chain.
public struct AuditEvent: Sendable, Equatable {
    /// Who or what an event names: its actor (``Actor``) or its subject (``Subject``).
    public struct Party<Kind: RawRepresentable & Sendable & Equatable>: Sendable, Equatable where Kind.RawValue == String {
        /// What sort of party it is; stored and hashed as its raw value.
        public let kind: Kind
        /// The party's id, `nil` for the system.
        public let id: String?

        public init(kind: Kind, id: String?) {
            self.kind = kind
            self.id = id
        }

        var json: JSONValue {
            ["kind": .string(kind.rawValue), "id": id.map(JSONValue.string) ?? .null]
        }
    }

    /// Who caused a change.
    public typealias Actor = Party<AuditActorKind>
    /// What a change was done to.
    public typealias Subject = Party<AuditSubjectKind>

    /// What happened, e.g. ``AuditEventType/memberInvited``.
    public let type: AuditEventType
    /// Who did it.
    public let actor: Actor
    /// What it was done to, if anything.
    public let subject: Subject?
    /// Event-specific details; never secrets.
    public let data: [String: JSONValue]

    public init(type: AuditEventType, actor: Actor, subject: Subject? = nil, data: [String: JSONValue] = [:]) {
        self.type = type
        self.actor = actor
        self.subject = subject
        self.data = data
    }
}

extension AuditEvent.Party where Kind == AuditActorKind {
    /// Writ itself (sweepers, background jobs).
    public static var system: Self { Self(kind: .system, id: nil) }
}
