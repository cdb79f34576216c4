/// A session lent by the pool to one task. Its statements never block a thread: the task sends them
/// and waits for the answer on `SocketReadiness`.
public struct PooledConnection: Sendable {
    let connection: Connection
    /// The pool that lent it, which counts the round trips.
    let pool: ConnectionPool

    /// Runs one statement.
    @discardableResult
    public func execute(_ sql: SQL) async throws -> PostgresRows {
        pool.exchanges.add(1, ordering: .relaxed)
        return try await connection.pipeline([sql])[0]
    }

    /// Runs `statements` in one round trip (libpq's pipeline mode); returns each one's rows.
    @discardableResult
    public func pipeline(_ statements: [SQL]) async throws -> [PostgresRows] {
        pool.exchanges.add(1, ordering: .relaxed)
        return try await connection.pipeline(statements)
    }

    /// Runs a script of statements without binds, such as a migration file.
    public func executeScript(_ text: String) async throws {
        pool.exchanges.add(1, ordering: .relaxed)
        try await connection.script(text)
    }

    /// The server process serving this session.
    public var backendPID: Int32 { connection.backendPID }
}
