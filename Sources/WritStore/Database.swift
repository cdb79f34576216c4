import Foundation
import Postgres
import WritCrypto

/// The serving connections, with tenant-scoped transactions.
public struct Database: Sendable {
    /// The pool of `writ_app` sessions: for this package's own code and tests only; the server and
    /// the CLI reach the database through the store's calls.
    package let pool: ConnectionPool
    /// The node's LISTEN session (as `writ_app`): one direct connection, even when the pool goes
    /// through a transaction-mode pooler, which cannot keep a LISTEN. A configuration, not a
    /// string, so that reflecting the database (in logs) shows its password redacted.
    let listenerConfiguration: PostgresConfiguration

    /// - Parameter listenerConnectionString: defaults to the pool's connection string.
    public init(pool: ConnectionPool, listenerConnectionString: String? = nil) {
        self.pool = pool
        var listener = pool.configuration
        if let listenerConnectionString { listener.connectionString = listenerConnectionString }
        listener.route = .direct
        listener.maxConnections = 1
        self.listenerConfiguration = listener
    }

    /// How many times a transaction chosen as a deadlock victim (or failing serialization) runs.
    static let attempts = 3

    /// Runs `body` in a transaction whose row-level security sees only `tenant`.
    ///
    /// The setting is transaction-local, so a pooled session never carries it to another request;
    /// it travels with the body's first statement, in the same round trip.
    /// A transaction that PostgreSQL rolled back as a deadlock victim or for a serialization
    /// failure is run again, up to ``attempts`` times with a short random pause: `body` must do
    /// nothing outside the transaction that may not happen twice.
    @discardableResult
    public func withTenant<Result>(_ tenant: UUID, _ body: (Transaction) async throws -> Result) async throws -> Result {
        var attempt = 1
        while true {
            do {
                return try await pool.transaction { transaction in
                    transaction.queue("SELECT set_config('app.tenant_id', \(tenant), true)")
                    return try await body(transaction)
                }
            } catch let error as PostgresError where error.isRetryableConflict && attempt < Self.attempts {
                attempt += 1
                try await Task.sleep(for: .milliseconds(Int.random(in: 5...25) * attempt))
            }
        }
    }

    /// Runs `body` in a transaction that may see the one row whose token hash is `hash`, in any tenant.
    @discardableResult
    public func withLookup<Result>(hash: [UInt8], _ body: (Transaction) async throws -> Result) async throws -> Result {
        try await pool.transaction { transaction in
            transaction.queue("SELECT set_config('app.lookup_hash', \(Hex.encode(hash)), true)")
            return try await body(transaction)
        }
    }

    /// Runs `body` in a transaction that may see (and create) the login with this email.
    @discardableResult
    public func withEmailLookup<Result>(_ email: String, _ body: (Transaction) async throws -> Result) async throws -> Result {
        try await pool.transaction { transaction in
            transaction.queue("SELECT set_config('app.lookup_email', \(email.lowercased()), true)")
            return try await body(transaction)
        }
    }

    /// Runs `body` in a transaction that may see one login and its memberships in every tenant.
    @discardableResult
    public func withAccount<Result>(_ account: UUID, _ body: (Transaction) async throws -> Result) async throws -> Result {
        try await pool.transaction { transaction in
            transaction.queue("SELECT set_config('app.account_id', \(account), true)")
            return try await body(transaction)
        }
    }

    /// Whether the database answers a trivial query.
    public func isReachable() async -> Bool {
        (try? await pool.query("SELECT 1")) != nil
    }
}
