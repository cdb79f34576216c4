import Synchronization

/// Statements inside one transaction; any error is annotated with the step that failed.
///
/// `BEGIN` and any statements queued with ``queue(_:)`` are not sent on their own: they travel
/// with the transaction's first statement, in one round trip (libpq's pipeline mode), and
/// ``commit(after:)`` sends its last statements together with `COMMIT`. A transaction whose body
/// sends nothing costs nothing.
public final class Transaction: Sendable {
    private let lease: PooledConnection
    private let step = Atomic<Int>(0)
    private let state: Mutex<State>

    private struct State {
        /// Statements waiting to go with the next statement sent (`BEGIN` first).
        var queued: [SQL]
        var begun = false
        var committed = false
    }

    init(lease: PooledConnection) {
        self.lease = lease
        self.state = Mutex(State(queued: ["BEGIN"]))
    }

    /// Queues a statement whose result nobody reads (such as `set_config`) to go with the next one sent.
    public func queue(_ sql: SQL) {
        state.withLock { $0.queued.append(sql) }
    }

    /// Runs one statement of the transaction (with whatever is queued, in the same round trip).
    @discardableResult
    public func execute(_ sql: SQL) async throws -> PostgresRows {
        try await pipeline([sql])[0]
    }

    /// Runs `statements` (after whatever is queued) in one round trip; returns each one's rows.
    @discardableResult
    public func pipeline(_ statements: [SQL]) async throws -> [PostgresRows] {
        let queued = takeQueued()
        let number = step.add(1, ordering: .relaxed).newValue
        do {
            if queued.isEmpty, statements.count == 1 { return [try await lease.execute(statements[0])] }
            return Array(try await lease.pipeline(queued + statements).suffix(statements.count))
        } catch let error as PostgresError {
            throw error.within("statement \(number) of transaction")
        }
    }

    /// Runs `statements` and `COMMIT` in one round trip; returns the statements' rows. The
    /// transaction is over afterwards.
    @discardableResult
    public func commit(after statements: [SQL] = []) async throws -> [PostgresRows] {
        let queued = takeQueued()
        guard !(queued.count == 1 && queued[0].text == "BEGIN" && statements.isEmpty) else {
            state.withLock { $0.committed = true }
            return []
        }
        do {
            let rows = try await lease.pipeline(queued + statements + ["COMMIT"])
            state.withLock { $0.committed = true }
            return Array(rows.dropLast().suffix(statements.count))
        } catch let error as PostgresError {
            throw error.within("commit")
        }
    }

    /// Runs a script of statements without binds inside the transaction.
    public func executeScript(_ text: String) async throws {
        let queued = takeQueued()
        let number = step.add(1, ordering: .relaxed).newValue
        do {
            if !queued.isEmpty { try await lease.pipeline(queued) }
            try await lease.executeScript(text)
        } catch let error as PostgresError {
            throw error.within("statement \(number) of transaction")
        }
    }

    /// Whether `BEGIN` has been sent (so there is something to commit or roll back).
    var begun: Bool { state.withLock { $0.begun } }
    var committed: Bool { state.withLock { $0.committed } }

    private func takeQueued() -> [SQL] {
        state.withLock { state in
            defer {
                state.queued = []
                state.begun = true
            }
            return state.queued
        }
    }
}
