/// An error from the database layer.
///
/// It carries the SQLSTATE when the server sent one and classifies the states callers act on.
/// Its `description` never contains SQL text, bind values or credentials.
public struct PostgresError: Error, CustomStringConvertible, Sendable {
    private enum Kind: Sendable, Equatable {
        case server
        case connectionFailed
        case connectionLost
        case poolTimeout
        case poolClosed
        case decoding
        case protocolViolation
    }

    private let kind: Kind
    /// The five-character SQLSTATE the server reported, if any.
    public let sqlState: String?
    /// The server's or libpq's primary message.
    public let message: String
    /// Where in a unit of work the error happened, e.g. `"statement 3 of transaction"`.
    public private(set) var context: String?

    private init(_ kind: Kind, sqlState: String? = nil, message: String, context: String? = nil) {
        self.kind = kind
        self.sqlState = sqlState
        self.message = message
        self.context = context
    }

    /// An error reported by the server for a statement.
    public static func server(sqlState: String?, message: String) -> PostgresError {
        // Class 08 and the admin-shutdown states mean the session is gone, whatever the statement.
        // 25006 (read-only transaction) means the server took no writes: after a failover the
        // session leads to a standby or a demoted primary, and only a new session finds the primary.
        if let state = sqlState, state.hasPrefix("08") || ["57P01", "57P02", "57P03", "25006"].contains(state) {
            return PostgresError(.connectionLost, sqlState: state, message: message)
        }
        return PostgresError(.server, sqlState: sqlState, message: message)
    }
    /// Opening a connection failed.
    public static func connectionFailed(_ message: String) -> PostgresError { .init(.connectionFailed, message: message) }
    /// The connection broke while in use.
    public static func connectionLost(_ message: String) -> PostgresError { .init(.connectionLost, message: message) }
    /// No connection became free before the pool's acquire timeout.
    public static func poolTimeout(_ message: String) -> PostgresError { .init(.poolTimeout, message: message) }
    /// The pool has been shut down.
    public static let poolClosed = PostgresError(.poolClosed, message: "the connection pool is closed")
    /// A value could not be decoded into the requested Swift type.
    public static func decoding(_ message: String) -> PostgresError { .init(.decoding, message: message) }
    /// The server answered in a way the driver does not expect.
    public static func protocolViolation(_ message: String) -> PostgresError { .init(.protocolViolation, message: message) }

    /// A unique constraint refused the row (23505).
    public var isUniqueViolation: Bool { sqlState == "23505" }
    /// A foreign key constraint refused the row (23503).
    public var isForeignKeyViolation: Bool { sqlState == "23503" }
    /// A serialization failure (40001) or deadlock (40P01): the transaction may be retried.
    public var isRetryableConflict: Bool { sqlState == "40001" || sqlState == "40P01" }
    /// The statement was cancelled by `statement_timeout` (57014).
    public var isStatementTimeout: Bool { sqlState == "57014" }
    /// The connection is broken and has been discarded.
    public var isConnectionLost: Bool { kind == .connectionLost || kind == .connectionFailed }
    /// The pool could not hand out a connection in time.
    public var isPoolTimeout: Bool { kind == .poolTimeout }
    /// A stored value did not decode.
    public var isDecoding: Bool { kind == .decoding }

    /// The same error, noting where in a unit of work it happened.
    public func within(_ context: String) -> PostgresError {
        var copy = self
        copy.context = copy.context.map { "\($0), \(context)" } ?? context
        return copy
    }

    public var description: String {
        var text = "PostgresError(\(kind)"
        if let sqlState { text += ", sqlstate \(sqlState)" }
        text += "): \(message)"
        if let context { text += " [\(context)]" }
        return text
    }
}
