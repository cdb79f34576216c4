import CLibPQ
import COpenSSL
import Foundation

extension Connection {
    /// Runs `statements` in libpq's pipeline mode: all of them are sent, then one sync, then every
    /// result is read — one network round trip for the lot. Returns each statement's rows in order;
    /// when one fails, the ones after it do not run and its error is thrown.
    ///
    /// Never blocks a thread: the session is in non-blocking mode, and while the server works the
    /// task waits on `SocketReadiness` instead.
    func pipeline(_ statements: [SQL]) async throws -> [PostgresRows] {
        guard PQenterPipelineMode(handle) == 1 else { throw PostgresError.protocolViolation(Self.errorMessage(handle)) }
        // A session left in pipeline mode (results unread after an error) is not lent again.
        defer { if PQexitPipelineMode(handle) != 1 { isBroken = true } }
        // What each command sent yields: a statement's rows, or the result of preparing one.
        enum Expected {
            case rows
            case prepared(String)
        }
        var expected: [Expected] = []
        var preparingNow: [String: String] = [:]
        for sql in statements {
            let sent = withBinds(sql.binds) { values -> Int32 in
                if let name = preparedStatements[sql.text] ?? preparingNow[sql.text] {
                    expected.append(.rows)
                    return PQsendQueryPrepared(handle, name, Int32(values.count), values, nil, nil, 0)
                }
                if preparedStatements.count + preparingNow.count < preparedStatementLimit {
                    let name = "writ_\(preparedStatements.count + preparingNow.count + 1)"
                    guard PQsendPrepare(handle, name, sql.text, Int32(values.count), nil) == 1 else { return 0 }
                    preparingNow[sql.text] = name
                    expected.append(.prepared(sql.text))
                    expected.append(.rows)
                    return PQsendQueryPrepared(handle, name, Int32(values.count), values, nil, nil, 0)
                }
                expected.append(.rows)
                return PQsendQueryParams(handle, sql.text, Int32(values.count), nil, values, nil, nil, 0)
            }
            guard sent == 1 else { throw lostOrViolation() }
        }
        guard PQpipelineSync(handle) == 1 else { throw lostOrViolation() }
        try await flush()
        var results: [PostgresRows] = []
        var failure: (any Error)?
        for item in expected {
            guard let result = try await nextResult() else { throw lostOrViolation() }
            if PQresultStatus(result) == PGRES_PIPELINE_ABORTED {
                PQclear(result)
            } else {
                do {
                    let rows = try check(result)
                    switch item {
                    case .rows: results.append(rows)
                    case .prepared(let text): preparedStatements[text] = preparingNow[text]
                    }
                } catch {
                    failure = failure ?? error
                }
            }
            // Each command's results end with a NULL.
            while let extra = try await nextResult() { PQclear(extra) }
        }
        guard let sync = try await nextResult() else { throw lostOrViolation() }
        defer { PQclear(sync) }
        guard PQresultStatus(sync) == PGRES_PIPELINE_SYNC else {
            // A pipeline cut short (the server died or ended the session) leaves the connection in
            // an unknown state: it is discarded, and a dead session reads as lost, not as a fault.
            isBroken = true
            if PQstatus(handle) != CONNECTION_OK { throw PostgresError.connectionLost(Self.errorMessage(handle)) }
            throw failure ?? PostgresError.protocolViolation("pipeline ended without its sync")
        }
        if let failure { throw failure }
        return results
    }

    /// Runs a script of statements without binds (migrations, `BEGIN`, `ROLLBACK`) in one round
    /// trip, without blocking a thread; the first failing statement's error is thrown.
    func script(_ text: String) async throws {
        guard PQsendQuery(handle, text) == 1 else { throw lostOrViolation() }
        try await flush()
        var failure: (any Error)?
        while let result = try await nextResult() {
            do { try check(result) } catch { failure = failure ?? error }
        }
        if let failure { throw failure }
    }

    /// Sends whatever libpq still holds in its output buffer, waiting while the socket is full.
    private func flush() async throws {
        while true {
            switch PQflush(handle) {
            case 0: return
            case 1:
                // The server may be waiting for us to read before it reads more (libpq's advice).
                try await waitForSocket(writable: true)
                guard PQconsumeInput(handle) == 1 else { throw lost() }
            default: throw lost()
            }
        }
    }

    /// The next result, waiting for the server's answer without blocking; nil at a command's end.
    private func nextResult() async throws -> OpaquePointer? {
        while PQisBusy(handle) == 1 {
            // Over TLS, OpenSSL may hold decrypted bytes of a record libpq read only in part: the
            // socket then never turns readable for them, so they are consumed without waiting.
            if !tlsHoldsInput { try await waitForSocket(writable: false) }
            guard PQconsumeInput(handle) == 1 else { throw lost() }
        }
        guard let result = PQgetResult(handle) else { return nil }
        switch PQresultStatus(result) {
        case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
            // COPY would hand back the same result forever; nothing here speaks it.
            PQclear(result)
            isBroken = true
            throw PostgresError.protocolViolation("COPY is not supported on a pooled session")
        default:
            return result
        }
    }

    /// Waits until the socket is ready; a cancelled task stops waiting, and the session, its
    /// statement's outcome unknown, is discarded (the server rolls back an open transaction).
    private func waitForSocket(writable: Bool) async throws {
        await SocketReadiness.shared.wait(for: socket, writable: writable)
        if Task.isCancelled {
            isBroken = true
            throw CancellationError()
        }
    }

    /// Whether libpq's TLS session holds bytes it has decrypted but not yet handed to libpq.
    private var tlsHoldsInput: Bool {
        guard PQsslInUse(handle) == 1, let ssl = PQsslStruct(handle, "OpenSSL") else { return false }
        return SSL_pending(OpaquePointer(ssl)) > 0
    }

    private func withBinds<T>(_ binds: [String?], _ body: ([UnsafePointer<CChar>?]) -> T) -> T {
        let copies = binds.map { $0.map { strdup($0) } ?? nil }
        defer { copies.forEach { free($0) } }
        return body(copies.map { UnsafePointer($0) })
    }

    private func lost() -> PostgresError {
        isBroken = true
        return PostgresError.connectionLost(Self.errorMessage(handle))
    }

    private func lostOrViolation() -> PostgresError {
        if PQstatus(handle) != CONNECTION_OK { return lost() }
        return PostgresError.protocolViolation(Self.errorMessage(handle))
    }
}
