/// A domain-level failure from a repository, mapped to an HTTP problem in one place.
public struct StoreError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The kinds of failure callers distinguish.
    public enum Kind: Sendable, Equatable {
        /// The row does not exist for this tenant (or belongs to another).
        case notFound
        /// The request conflicts with current state (duplicate name, last admin, …).
        case conflict
        /// A plan quota would be exceeded.
        case quotaExceeded
        /// The input refers to something invalid (a team of another tenant, …).
        case invalid
        /// The caller may not do this to this resource.
        case forbidden
        /// A second factor or password given with the request was wrong.
        case unauthorized
        /// A stored value does not parse: the request fails rather than guess.
        case corrupt
        /// An idempotency key was used before with a different request body.
        case idempotencyMismatch
        /// The address got a login concurrently (sign-up raced another sign-up).
        case loginTaken
    }

    /// Which kind of failure.
    public let kind: Kind
    /// A message safe to show the caller.
    public let message: String
    /// For quotas: the quota's name.
    public let quota: String?

    private init(_ kind: Kind, _ message: String, quota: String? = nil) {
        self.kind = kind
        self.message = message
        self.quota = quota
    }

    public static func notFound(_ what: String) -> StoreError { .init(.notFound, "No such \(what).") }
    public static func conflict(_ message: String) -> StoreError { .init(.conflict, message) }
    public static func invalid(_ message: String) -> StoreError { .init(.invalid, message) }
    public static func forbidden(_ message: String) -> StoreError { .init(.forbidden, message) }
    public static func unauthorized(_ message: String) -> StoreError { .init(.unauthorized, message) }
    public static func corrupt(_ what: String) -> StoreError { .init(.corrupt, "A stored \(what) does not parse.") }
    public static let loginTaken = StoreError(.loginTaken, "This address already has a Writ login.")
    public static let idempotencyMismatch = StoreError(.idempotencyMismatch, "This Idempotency-Key was used with a different request body.")
    public static func quotaExceeded(_ quota: String, _ message: String) -> StoreError {
        .init(.quotaExceeded, message, quota: quota)
    }

    public var description: String { "StoreError.\(kind): \(message)" }
}
