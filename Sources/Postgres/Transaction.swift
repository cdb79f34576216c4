import Synchronization

/// Statements inside one transaction; any error is annotated with the step that failed.
public final class Transaction: Sendable {
    private let lease: PooledConnection
    private let step = Atomic<Int>(0)

    init(lease: PooledConnection) {
        self.lease = lease
    }

    /// Runs one statement of the transaction.
    @discardableResult
    public func execute(_ sql: SQL) async throws -> PostgresRows {
        let number = step.add(1, ordering: .relaxed).newValue
        do {
            return try await lease.execute(sql)
        } catch let error as PostgresError {
            throw error.within("statement \(number) of transaction")
        }
    }

    /// Runs a script of statements without binds inside the transaction.
    public func executeScript(_ text: String) async throws {
        let number = step.add(1, ordering: .relaxed).newValue
        do {
            try await lease.executeScript(text)
        } catch let error as PostgresError {
            throw error.within("statement \(number) of transaction")
        }
    }
}
