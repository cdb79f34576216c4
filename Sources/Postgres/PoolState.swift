/// The pool's bookkeeping, always accessed under its mutex.
struct PoolState {
    /// A caller parked until a session frees up.
    struct Waiter {
        let id: Int
        let continuation: CheckedContinuation<Connection, any Error>
    }

    /// What `acquire` should do next.
    enum Decision {
        case reuse(Connection)
        case open
        case wait
    }

    let capacity: Int
    var idle: [Connection] = []
    var open = 0
    var waiters: [Waiter] = []
    var closed = false
    private var lastWaiterID = 0

    init(capacity: Int) {
        self.capacity = capacity
    }

    mutating func take() throws -> Decision {
        if closed { throw PostgresError.poolClosed }
        if let connection = idle.popLast() { return .reuse(connection) }
        if open < capacity {
            open += 1
            return .open
        }
        return .wait
    }

    mutating func nextWaiterID() -> Int {
        lastWaiterID += 1
        return lastWaiterID
    }
}
