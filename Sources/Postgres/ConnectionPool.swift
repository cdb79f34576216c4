import Logging
import NIOPosix
import Synchronization

/// A bounded pool of libpq sessions with a fair wait queue.
///
/// Statements run in libpq's non-blocking mode on the borrowing task (see `SocketReadiness`); only
/// the calls that block — opening and closing a session — run on the pool's own `NIOThreadPool`.
/// A session is lent to one task at a time; one found broken is closed and replaced.
public final class ConnectionPool: Sendable {
    /// The settings the pool was made with.
    public let configuration: PostgresConfiguration
    let threads: NIOThreadPool
    private let state: Mutex<PoolState>
    /// Exchanges with the server so far: one per statement sent alone, one per pipeline.
    let exchanges = Atomic<Int>(0)
    private let logger: Logger

    public init(configuration: PostgresConfiguration, logger: Logger = Logger(label: "writ.postgres")) {
        self.configuration = configuration
        self.logger = logger
        self.state = Mutex(PoolState(capacity: configuration.maxConnections))
        // Only connecting and closing block a thread; statements do not (see SocketReadiness).
        self.threads = NIOThreadPool(numberOfThreads: min(configuration.maxConnections, 4))
        threads.start()
    }

    /// Round trips to the server made through this pool so far (a statement sent alone or a
    /// pipeline of statements counts one), for tests and metrics.
    public var roundTrips: Int { exchanges.load(ordering: .relaxed) }

    /// Connections lent out and callers waiting, for metrics.
    public var statistics: PoolStatistics {
        state.withLock { PoolStatistics(open: $0.open, idle: $0.idle.count, waiting: $0.waiters.count) }
    }

    /// Runs one statement on a pooled session.
    @discardableResult
    public func query(_ sql: SQL) async throws -> PostgresRows {
        try await withConnection { try await $0.execute(sql) }
    }

    /// Lends a session to `body` and takes it back afterwards, discarding it if it broke.
    public func withConnection<Result>(_ body: (PooledConnection) async throws -> Result) async throws -> Result {
        let connection = try await acquire()
        let lease = PooledConnection(connection: connection, pool: self)
        do {
            let result = try await body(lease)
            release(connection)
            return result
        } catch {
            release(connection)
            throw error
        }
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    ///
    /// Errors from the database name the failing step (`begin`, `statement N`, `commit`).
    @discardableResult
    public func transaction<Result>(_ body: (Transaction) async throws -> Result) async throws -> Result {
        try await withConnection { lease in
            // BEGIN goes with the body's first statement (see Transaction), not in a round trip of its own.
            let transaction = Transaction(lease: lease)
            let result: Result
            do {
                result = try await body(transaction)
            } catch {
                if transaction.begun, !transaction.committed { try? await lease.executeScript("ROLLBACK") }
                throw error
            }
            if !transaction.committed {
                do {
                    try await transaction.commit()
                } catch let error as PostgresError {
                    if !error.isConnectionLost { try? await lease.executeScript("ROLLBACK") }
                    throw error
                }
            }
            return result
        }
    }

    /// Closes every idle session and fails every waiter; lent sessions close when returned.
    public func close() async {
        let (idle, waiters) = state.withLock { state -> ([Connection], [PoolState.Waiter]) in
            state.closed = true
            defer {
                state.idle.removeAll()
                state.waiters.removeAll()
            }
            state.open -= state.idle.count
            return (state.idle, state.waiters)
        }
        for waiter in waiters { waiter.continuation.resume(throwing: PostgresError.poolClosed) }
        for connection in idle { try? await threads.runIfActive { connection.close() } }
        try? await threads.shutdownGracefully()
    }

    private func acquire() async throws -> Connection {
        for _ in 0...configuration.maxConnections {
            let decision = try state.withLock { try $0.take() }
            let connection: Connection
            switch decision {
            case .reuse(let idle): connection = idle
            case .open: connection = try await open()
            case .wait: connection = try await wait()
            }
            // A session the server closed while it sat idle is replaced before any statement is sent
            // (the check only reads what is already on the socket: it never blocks).
            if connection.isAlive() { return connection }
            logger.info("replacing a PostgreSQL session the server closed")
            discard(connection)
        }
        throw PostgresError.connectionLost("no live PostgreSQL session could be obtained")
    }

    private func open() async throws -> Connection {
        do {
            let configuration = self.configuration
            return try await threads.runIfActive {
                let connection = try Connection.open(configuration)
                do {
                    try connection.makeNonBlocking()
                } catch {
                    connection.close()
                    throw error
                }
                return connection
            }
        } catch {
            let waiter = state.withLock { state -> PoolState.Waiter? in
                state.open -= 1
                return state.waiters.isEmpty ? nil : state.waiters.removeFirst()
            }
            // The first waiter would otherwise sit until its timeout for a slot that is free again.
            if let waiter { Task { await self.retry(for: waiter) } }
            throw error
        }
    }

    private func retry(for waiter: PoolState.Waiter) async {
        state.withLock { $0.open += 1 }
        do {
            waiter.continuation.resume(returning: try await open())
        } catch {
            waiter.continuation.resume(throwing: error)
        }
    }

    private func wait() async throws -> Connection {
        let id = state.withLock { $0.nextWaiterID() }
        let timeout = configuration.acquireTimeout
        let timer = Task { [weak self] in
            try await Task.sleep(for: timeout)
            self?.expire(waiter: id)
        }
        defer { timer.cancel() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let accepted = state.withLock { state -> Bool in
                    guard !state.closed else { return false }
                    state.waiters.append(.init(id: id, continuation: continuation))
                    return true
                }
                if !accepted { continuation.resume(throwing: PostgresError.poolClosed) }
            }
        } onCancel: {
            self.expire(waiter: id, error: CancellationError())
        }
    }

    private func expire(waiter id: Int, error: (any Error)? = nil) {
        let waiter = state.withLock { state -> PoolState.Waiter? in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiters.remove(at: index)
        }
        waiter?.continuation.resume(
            throwing: error
                ?? PostgresError.poolTimeout(
                    "no database connection became free within \(configuration.acquireTimeout)"))
    }

    private func release(_ connection: Connection) {
        guard !connection.isBroken, connection.isIdle else {
            discard(connection)
            return
        }
        let waiter = state.withLock { state -> PoolState.Waiter? in
            if state.closed {
                state.open -= 1
                return nil
            }
            if !state.waiters.isEmpty { return state.waiters.removeFirst() }
            state.idle.append(connection)
            return nil
        }
        if let waiter {
            waiter.continuation.resume(returning: connection)
        } else if state.withLock({ $0.closed }) {
            Task { try? await threads.runIfActive { connection.close() } }
        }
    }

    private func discard(_ connection: Connection) {
        let waiter = state.withLock { state -> PoolState.Waiter? in
            state.open -= 1
            guard !state.closed, !state.waiters.isEmpty else { return nil }
            return state.waiters.removeFirst()
        }
        Task { try? await threads.runIfActive { connection.close() } }
        if let waiter { Task { await self.retry(for: waiter) } }
    }
}

/// A snapshot of the pool's occupancy.
public struct PoolStatistics: Sendable, Equatable {
    /// Sessions open, lent or idle.
    public let open: Int
    /// Sessions ready to lend.
    public let idle: Int
    /// Callers waiting for a session.
    public let waiting: Int
    /// Sessions currently lent out.
    public var inUse: Int { open - idle }
}
