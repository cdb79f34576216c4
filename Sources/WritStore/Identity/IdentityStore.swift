import Foundation
import Postgres
import WritCore
import WritCrypto

/// Tenants, members, sessions, teams, agents and API keys: each use case in one transaction,
/// with its audit events appended in that same transaction.
public struct IdentityStore: Sendable {
    let database: Database
    let audit: AuditLog
    let hasher: KeyedHasher
    let sealer: Sealer
    let links: LinkTokens
    /// A console session ends this long after sign-in, however active.
    public static let sessionLifetime: TimeInterval = 12 * 3600
    /// A console session ends after this long without a request.
    public static let sessionIdleTimeout: TimeInterval = 2 * 3600
    /// An invitation link is valid this long.
    public static let invitationLifetime: TimeInterval = 7 * 24 * 3600

    /// - Parameter signingKeys: the tenants' keys, for audit checkpoints; without them none are written inline.
    public init(database: Database, keys: KeyRing, signingKeys: SigningKeys? = nil) {
        self.database = database
        self.audit = AuditLog(signingKeys: signingKeys)
        self.hasher = keys.hasher
        self.sealer = keys.sealer
        self.links = keys.links
    }

    /// A fresh random token with a recognisable prefix.
    static func token(prefix: String) -> String {
        prefix + Base64URL.encode(SecureRandom.bytes(32))
    }

    /// Maps a unique violation to a conflict with `message`; other errors pass through.
    @discardableResult
    static func conflictOnDuplicate<T>(_ message: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as PostgresError where error.isUniqueViolation {
            throw StoreError.conflict(message)
        }
    }
}

/// One page of a list and the cursor for the next.
public struct Page<Item: Sendable>: Sendable {
    public let items: [Item]
    /// Opaque cursor for the next page, `nil` on the last.
    public let nextCursor: String?
}

/// Where a page starts and how long it is.
public struct PageRequest: Sendable {
    /// Items after this id (exclusive).
    public let after: UUID?
    public let limit: Int

    public init(after: UUID?, limit: Int) {
        self.after = after
        self.limit = limit
    }

    /// The cursor encoding of an id.
    public static func cursor(after id: UUID) -> String {
        Base64URL.encode(Array(id.uuidString.lowercased().utf8))
    }

    /// Decodes a cursor; `nil` when it is not one of ours.
    public static func id(fromCursor cursor: String) -> UUID? {
        Base64URL.decode(cursor).flatMap { String(bytes: $0, encoding: .utf8) }.flatMap(UUID.init(uuidString:))
    }

    func page<Item>(_ items: [Item], id: (Item) -> UUID) -> Page<Item> {
        guard items.count > limit else { return Page(items: items, nextCursor: nil) }
        let kept = Array(items.prefix(limit))
        return Page(items: kept, nextCursor: kept.last.map { Self.cursor(after: id($0)) })
    }

    /// The smallest possible id, for "from the start".
    var afterOrMin: UUID { after ?? UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)) }
}
