import Foundation
import Logging
import NIOPosix

/// Receives `NOTIFY` messages on a dedicated session that reconnects when it breaks.
///
/// Events arrive on ``events``. After a reconnect a ``ListenerEvent/reconnected`` event is sent
/// first, because notifications sent while the session was down are lost: consumers drop their caches.
public final class NotificationListener: Sendable {
    /// What the listener delivers.
    public enum ListenerEvent: Sendable, Equatable {
        /// A notification on one of the channels.
        case notification(PostgresNotification)
        /// The session was re-established; anything sent meanwhile was missed.
        case reconnected
    }

    /// Every event, in order. One consumer.
    public let events: AsyncStream<ListenerEvent>
    private let continuation: AsyncStream<ListenerEvent>.Continuation
    private let configuration: PostgresConfiguration
    private let channels: [String]
    private let logger: Logger
    private let thread: NIOThreadPool

    /// - Parameter channels: channel names; each must be a plain SQL identifier.
    public init(configuration: PostgresConfiguration, channels: [String], logger: Logger = Logger(label: "writ.listener")) {
        precondition(channels.allSatisfy(Self.isPlainIdentifier), "channel names must be plain identifiers")
        var configuration = configuration
        configuration.statementTimeout = nil
        self.configuration = configuration
        self.channels = channels
        self.logger = logger
        (events, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(10_000))
        thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
    }

    /// Listens until the calling task is cancelled, reconnecting with back-off.
    public func run() async {
        var attempt = 0
        var first = true
        while !Task.isCancelled {
            do {
                let connection = try await connect()
                // Also after a first session that took several attempts: the node may have served
                // (and cached) meanwhile.
                if !first || attempt > 0 { continuation.yield(.reconnected) }
                first = false
                attempt = 0
                try await pump(connection)
            } catch is CancellationError {
                break
            } catch {
                logger.warning("notification listener lost its session", metadata: ["error": "\(error)"])
            }
            attempt += 1
            try? await Task.sleep(for: .milliseconds(min(2_000, 50 << min(attempt, 6))))
        }
        continuation.finish()
        try? await thread.shutdownGracefully()
    }

    private func connect() async throws -> Connection {
        let configuration = self.configuration
        let script = channels.map { "LISTEN \($0);" }.joined()
        return try await thread.runIfActive {
            let connection = try Connection.open(configuration)
            do {
                try connection.executeScript(script)
            } catch {
                connection.close()
                throw error
            }
            return connection
        }
    }

    private func pump(_ connection: Connection) async throws {
        defer { connection.close() }
        while !Task.isCancelled {
            let received = try await thread.runIfActive {
                var descriptor = pollfd(fd: connection.socket, events: Int16(POLLIN), revents: 0)
                // A short wait keeps cancellation prompt without spinning.
                _ = poll(&descriptor, 1, 200)
                return try connection.drainNotifications()
            }
            for notification in received { continuation.yield(.notification(notification)) }
        }
        throw CancellationError()
    }

    private static func isPlainIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || ("a"..."z").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("0"..."9").contains($0) }
    }
}
