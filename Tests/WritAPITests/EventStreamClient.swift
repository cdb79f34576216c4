import AsyncHTTPClient
import Foundation
import NIOCore
import Synchronization
import WritTestSupport

/// A server-sent events client for the tests: opens `/v1/events` and hands out events as they
/// arrive, until the server ends the stream or `close()`.
final class EventStreamClient: Sendable {
    /// One received event.
    struct Event: Sendable, Equatable {
        let id: Int64
        let type: String
        let data: String
    }

    let status: Int
    /// Everything received so far, and how much of it `next` handed out.
    private final class Received: Sendable {
        let state = Mutex<(events: [Event], taken: Int)>(([], 0))
        /// Set once the server ended the stream (or the connection broke).
        let finished = Mutex(false)
    }

    private let received = Received()
    private let reader: Task<Void, Never>
    /// The stream's own client (its own connection), when asked for; shut down by `close()`.
    private let ownClient: HTTPClient?

    /// With `ownConnection`, the stream gets a client of its own, so any number of streams are
    /// open at once (the shared client queues past 8 connections per host) and `close()` hangs up.
    init(
        port: Int, bearer: String? = nil, cookie: String? = nil, lastEventID: Int64? = nil, query: String = "",
        ownConnection: Bool = false
    ) async throws {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/events\(query)")
        if let bearer { request.headers.add(name: "Authorization", value: "Bearer \(bearer)") }
        if let cookie { request.headers.add(name: "Cookie", value: cookie) }
        if let lastEventID { request.headers.add(name: "Last-Event-ID", value: String(lastEventID)) }
        request.headers.add(name: "Accept", value: "text/event-stream")
        ownClient = ownConnection ? HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup) : nil
        let response = try await (ownClient ?? HTTPClient.shared).execute(request, timeout: .seconds(120))
        status = Int(response.status.code)
        let received = self.received
        reader = Task {
            var text = ""
            do {
                for try await chunk in response.body {
                    text += String(buffer: chunk)
                    while let end = text.range(of: "\n\n") {
                        let block = String(text[..<end.lowerBound])
                        text = String(text[end.upperBound...])
                        if let event = Self.parse(block) { received.state.withLock { $0.events.append(event) } }
                    }
                }
            } catch {}
            received.finished.withLock { $0 = true }
        }
    }

    /// The next `count` events, or fewer if `timeout` passes first. Events of the `skipping` types
    /// do not count towards `count` but are handed out in their place, so ids stay checkable.
    func next(_ count: Int, timeout: Duration = .seconds(10), skipping: Set<String> = []) async -> [Event] {
        func available(_ state: (events: [Event], taken: Int)) -> (counted: Int, end: Int) {
            var counted = 0
            var end = state.taken
            while end < state.events.count, counted < count {
                if !skipping.contains(state.events[end].type) { counted += 1 }
                end += 1
            }
            return (counted, end)
        }
        _ = try? await eventually(timeout: timeout, every: .milliseconds(20)) {
            received.state.withLock { available($0).counted } >= count
        }
        return received.state.withLock { state in
            let events = Array(state.events[state.taken..<available(state).end])
            state.taken += events.count
            return events
        }
    }

    /// Waits until the server ends the stream; true if it did within `timeout`.
    func ended(within timeout: Duration) async -> Bool {
        (try? await eventually(timeout: timeout, every: .milliseconds(20)) { received.finished.withLock { $0 } }) ?? false
    }

    func close() {
        reader.cancel()
        if let ownClient { Task { try? await ownClient.shutdown() } }
    }

    private static func parse(_ block: String) -> Event? {
        var id: Int64?
        var type = "message"
        var data = ""
        for line in block.split(separator: "\n") {
            if line.hasPrefix("id: ") { id = Int64(line.dropFirst(4)) }
            if line.hasPrefix("event: ") { type = String(line.dropFirst(7)) }
            if line.hasPrefix("data: ") { data = String(line.dropFirst(6)) }
        }
        return id.map { Event(id: $0, type: type, data: data) }
    }
}
