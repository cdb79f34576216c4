import CLibPQ
import Foundation

/// One libpq session.
///
/// `@unchecked Sendable`: libpq handles are not thread-safe, but a `Connection` is only ever used by
/// the single task that holds it from the pool (or the listener's one thread), one call at a time:
/// no two threads touch the handle at once.
final class Connection: @unchecked Sendable {
    let handle: OpaquePointer
    var preparedStatements: [String: String] = [:]
    /// How many statements this session may prepare and keep (none behind a transaction pooler).
    let preparedStatementLimit: Int

    /// Set once the session is known to be unusable; the pool then discards it.
    var isBroken = false

    private init(handle: OpaquePointer, preparedStatementLimit: Int) {
        self.handle = handle
        self.preparedStatementLimit = preparedStatementLimit
        // Messages the server sends outside a statement (such as the FATAL of pg_terminate_backend)
        // reach the notice receiver; a fatal one marks the session broken. libpq's default would
        // print them to stderr instead.
        PQsetNoticeReceiver(
            handle,
            { context, result in
                guard let context, let result,
                    let severity = PQresultErrorField(result, Int32(UInt8(ascii: "V"))),
                    ["FATAL", "PANIC"].contains(String(cString: severity))
                else { return }
                Unmanaged<Connection>.fromOpaque(context).takeUnretainedValue().isBroken = true
            }, Unmanaged.passUnretained(self).toOpaque())
    }

    /// Opens a session. Blocking: call on a thread-pool thread.
    static func open(_ configuration: PostgresConfiguration) throws -> Connection {
        let parameters = configuration.connectionParameters
        let keywords = parameters.map { strdup($0.0) } + [nil]
        let values = parameters.map { strdup($0.1) } + [nil]
        defer {
            keywords.forEach { free($0) }
            values.forEach { free($0) }
        }
        let handle = keywords.map { UnsafePointer($0) }.withUnsafeBufferPointer { keywordBuffer in
            values.map { UnsafePointer($0) }.withUnsafeBufferPointer { valueBuffer in
                PQconnectdbParams(keywordBuffer.baseAddress, valueBuffer.baseAddress, 1)
            }
        }
        guard let handle else { throw PostgresError.connectionFailed("libpq could not allocate a connection") }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = Self.errorMessage(handle)
            PQfinish(handle)
            throw PostgresError.connectionFailed(message)
        }
        return Connection(handle: handle, preparedStatementLimit: configuration.preparedStatementLimit)
    }

    /// Whether the server has not closed the session while it sat idle (no round trip).
    func isAlive() -> Bool {
        guard !isBroken, PQstatus(handle) == CONNECTION_OK else { return false }
        // An idle session should have nothing to read but notifications. When the server ended it
        // (pg_terminate_backend, restart), its FATAL message and then end-of-file are waiting: read
        // until the socket is drained so libpq sees the closed connection.
        var descriptor = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
        var reads = 0
        while reads < 8, poll(&descriptor, 1, 0) > 0 {
            reads += 1
            // PQisBusy parses what was read, which hands a FATAL message to the notice receiver.
            if PQconsumeInput(handle) == 0 || PQisBusy(handle) < 0 || isBroken || PQstatus(handle) != CONNECTION_OK
                || descriptor.revents & Int16(POLLHUP) != 0
            {
                isBroken = true
                return false
            }
        }
        return true
    }

    /// Whether the session is outside any transaction block.
    var isIdle: Bool { PQtransactionStatus(handle) == PQTRANS_IDLE }

    /// Puts the session in non-blocking mode, for `pipeline` and `script`: sending never waits for
    /// the socket, so no thread is held while the server works.
    func makeNonBlocking() throws {
        guard PQsetnonblocking(handle, 1) == 0 else { throw PostgresError.connectionFailed(Self.errorMessage(handle)) }
    }

    /// Runs a script of one or more statements without binds (`LISTEN`), blocking the thread.
    func executeScript(_ text: String) throws {
        _ = try check(PQexec(handle, text))
    }

    /// The server's notifications received so far, after reading any pending input.
    func drainNotifications() throws -> [PostgresNotification] {
        if PQconsumeInput(handle) == 0 {
            isBroken = true
            throw PostgresError.connectionLost(Self.errorMessage(handle))
        }
        var received: [PostgresNotification] = []
        while let notify = PQnotifies(handle) {
            received.append(
                PostgresNotification(
                    channel: String(cString: notify.pointee.relname),
                    payload: String(cString: notify.pointee.extra)))
            PQfreemem(notify)
        }
        return received
    }

    /// The socket descriptor, for waiting on input.
    var socket: Int32 { PQsocket(handle) }

    /// The backend process id, as `pg_backend_pid()` reports it.
    var backendPID: Int32 { PQbackendPID(handle) }

    /// Closes the session. Blocking.
    func close() {
        PQfinish(handle)
    }

    @discardableResult
    func check(_ result: OpaquePointer?) throws -> PostgresRows {
        guard let result else {
            isBroken = PQstatus(handle) != CONNECTION_OK
            throw isBroken
                ? PostgresError.connectionLost(Self.errorMessage(handle))
                : PostgresError.protocolViolation(Self.errorMessage(handle))
        }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return PostgresRows(columns: [], values: [], affectedRows: Self.affectedRows(result))
        case PGRES_TUPLES_OK:
            return Self.rows(from: result)
        default:
            let sqlState = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            let primary = PQresultErrorField(result, Int32(UInt8(ascii: "M"))).map { String(cString: $0) }
            let message = primary ?? Self.errorMessage(handle)
            if PQstatus(handle) != CONNECTION_OK {
                isBroken = true
                throw PostgresError.connectionLost(message)
            }
            let error = PostgresError.server(sqlState: sqlState, message: message)
            if error.isConnectionLost { isBroken = true }
            throw error
        }
    }

    private static func rows(from result: OpaquePointer) -> PostgresRows {
        let rowCount = Int(PQntuples(result))
        let columnCount = Int(PQnfields(result))
        let columns = (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) }
        var values: [[String?]] = []
        values.reserveCapacity(rowCount)
        for row in 0..<rowCount {
            var rowValues: [String?] = []
            rowValues.reserveCapacity(columnCount)
            for column in 0..<columnCount {
                if PQgetisnull(result, Int32(row), Int32(column)) == 1 {
                    rowValues.append(nil)
                } else {
                    rowValues.append(String(cString: PQgetvalue(result, Int32(row), Int32(column))))
                }
            }
            values.append(rowValues)
        }
        return PostgresRows(columns: columns, values: values, affectedRows: rowCount)
    }

    private static func affectedRows(_ result: OpaquePointer) -> Int {
        Int(String(cString: PQcmdTuples(result))) ?? 0
    }

    static func errorMessage(_ handle: OpaquePointer) -> String {
        String(cString: PQerrorMessage(handle)).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// A message delivered by `NOTIFY`.
public struct PostgresNotification: Sendable, Equatable {
    /// The channel it was sent on.
    public let channel: String
    /// Its payload text.
    public let payload: String

    public init(channel: String, payload: String) {
        self.channel = channel
        self.payload = payload
    }
}
