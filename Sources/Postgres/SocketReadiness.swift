import CLibPQ
import Foundation
import Glibc
import Synchronization

/// Tells a task when a PostgreSQL socket can be read or written, without a thread per session.
///
/// One thread runs `epoll_wait` over every pooled session's socket for the whole process. A task
/// that has sent its statements (libpq in non-blocking mode) suspends here until the answer
/// arrives and is resumed on the Swift concurrency pool, where it reads the results itself — so a
/// round trip costs one wake-up of this thread instead of a hand-off to a blocking libpq thread
/// and back. A socket has at most one waiter: only the task holding the session waits on it.
final class SocketReadiness: Sendable {
    /// The process's one instance (its thread lives as long as the process).
    static let shared = SocketReadiness()

    private let epoll: Int32
    private let waiting = Mutex<[Int32: CheckedContinuation<Void, Never>]>([:])

    private init() {
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        precondition(epoll >= 0, "epoll_create1 failed: errno \(errno)")
        let thread = Thread { [self] in run() }
        thread.name = "writ-postgres-io"
        thread.start()
    }

    /// Returns once `socket` is readable (or, with `writable`, writable), closed or in error, or
    /// the task is cancelled. It may also return early: callers re-check libpq's state and the
    /// task's cancellation, and wait again.
    func wait(for socket: Int32, writable: Bool = false) async {
        await withTaskCancellationHandler {
            await armed(socket, writable: writable)
        } onCancel: {
            resume(socket)
        }
    }

    private func armed(_ socket: Int32, writable: Bool) async {
        await withCheckedContinuation { continuation in
            waiting.withLock { $0[socket] = continuation }
            // Cancelled before the continuation was stored: the handler found nothing to resume.
            if Task.isCancelled {
                resume(socket)
                return
            }
            var event = epoll_event()
            event.events = EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLONESHOT.rawValue | (writable ? EPOLLOUT.rawValue : 0)
            event.data.fd = socket
            // A socket is added once and re-armed after each event (one-shot); a closed socket
            // leaves the epoll set by itself, so a new session reusing its number is added again.
            if epoll_ctl(epoll, EPOLL_CTL_MOD, socket, &event) == 0 { return }
            if errno == ENOENT, epoll_ctl(epoll, EPOLL_CTL_ADD, socket, &event) == 0 { return }
            // It cannot be watched (closed under us): the caller's next libpq call sees the error.
            resume(socket)
        }
    }

    private func run() {
        var events = [epoll_event](repeating: epoll_event(), count: 64)
        while true {
            let count = events.withUnsafeMutableBufferPointer { epoll_wait(epoll, $0.baseAddress, Int32($0.count), -1) }
            guard count >= 0 else {
                precondition(errno == EINTR, "epoll_wait failed: errno \(errno)")
                continue
            }
            for index in 0..<Int(count) { resume(events[index].data.fd) }
        }
    }

    private func resume(_ socket: Int32) {
        waiting.withLock { $0.removeValue(forKey: socket) }?.resume()
    }
}
