import NIOPosix

/// A session lent by the pool to one task; its methods run libpq on the pool's threads.
public struct PooledConnection: Sendable {
    let connection: Connection
    let threads: NIOThreadPool
    /// The pool that lent it, which counts the round trips.
    let pool: ConnectionPool

    /// Runs one statement.
    @discardableResult
    public func execute(_ sql: SQL) async throws -> PostgresRows {
        let connection = self.connection
        pool.exchanges.add(1, ordering: .relaxed)
        return try await threads.runIfActive { try connection.execute(sql) }
    }

    /// Runs `statements` in one round trip (libpq's pipeline mode); returns each one's rows.
    @discardableResult
    public func pipeline(_ statements: [SQL]) async throws -> [PostgresRows] {
        let connection = self.connection
        pool.exchanges.add(1, ordering: .relaxed)
        return try await threads.runIfActive { try connection.executePipeline(statements) }
    }

    /// Runs a script of statements without binds, such as a migration file.
    public func executeScript(_ text: String) async throws {
        let connection = self.connection
        pool.exchanges.add(1, ordering: .relaxed)
        try await threads.runIfActive { try connection.executeScript(text) }
    }

    /// The server process serving this session.
    public var backendPID: Int32 { connection.backendPID }
}
