import Foundation
import Postgres
import WritCrypto

/// The serving connections, with tenant-scoped transactions.
public struct Database: Sendable {
    /// The pool of `writ_app` sessions.
    public let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    /// Runs `body` in a transaction whose row-level security sees only `tenant`.
    ///
    /// The setting is transaction-local, so a pooled session never carries it to another request.
    @discardableResult
    public func withTenant<Result>(_ tenant: UUID, _ body: (Transaction) async throws -> Result) async throws -> Result {
        try await pool.transaction { transaction in
            try await transaction.execute("SELECT set_config('app.tenant_id', \(tenant), true)")
            return try await body(transaction)
        }
    }

    /// Runs `body` in a transaction that may see the one row whose token hash is `hash`, in any tenant.
    @discardableResult
    public func withLookup<Result>(hash: [UInt8], _ body: (Transaction) async throws -> Result) async throws -> Result {
        try await pool.transaction { transaction in
            try await transaction.execute("SELECT set_config('app.lookup_hash', \(Hex.encode(hash)), true)")
            return try await body(transaction)
        }
    }

    /// Runs `body` in a transaction that may see (and create) the login with this email.
    @discardableResult
    public func withEmailLookup<Result>(_ email: String, _ body: (Transaction) async throws -> Result) async throws -> Result {
        try await pool.transaction { transaction in
            try await transaction.execute("SELECT set_config('app.lookup_email', \(email.lowercased()), true)")
            return try await body(transaction)
        }
    }

    /// Runs `body` in a transaction that may see one login and its memberships in every tenant.
    @discardableResult
    public func withAccount<Result>(_ account: UUID, _ body: (Transaction) async throws -> Result) async throws -> Result {
        try await pool.transaction { transaction in
            try await transaction.execute("SELECT set_config('app.account_id', \(account), true)")
            return try await body(transaction)
        }
    }

    /// Whether the database answers a trivial query.
    public func isReachable() async -> Bool {
        (try? await pool.query("SELECT 1")) != nil
    }
}
