import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Delivers mail to an SMTP relay (RFC 5321) without authentication or TLS: meant for a relay on
/// the same host or private network (a sidecar MTA), given as `smtp://host[:port][?from=address]`.
struct SMTPRelay: Sendable {
    /// Why a message could not be handed over.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let host: String
    let port: UInt16
    let from: String

    /// Parses `smtp://host[:port][?from=address]`; `nil` for anything else (credentials included,
    /// which would travel in clear text without TLS).
    init?(url text: String) {
        guard let url = URLComponents(string: text), url.scheme == "smtp", let host = url.host, !host.isEmpty,
              url.user == nil, url.password == nil, (url.path.isEmpty || url.path == "/")
        else { return nil }
        self.host = host
        self.port = UInt16(url.port ?? 25)
        self.from = url.queryItems?.first { $0.name == "from" }?.value ?? "writ@localhost"
    }

    /// Sends one message; blocking, so call it off the concurrency pool.
    func send(to recipient: String, message: String) throws {
        let socket = try connect()
        defer { close(socket) }
        var session = Session(socket: socket)
        try session.expect(220)
        try session.command("EHLO writ", expect: 250)
        try session.command("MAIL FROM:<\(from)>", expect: 250)
        try session.command("RCPT TO:<\(recipient)>", expect: 250)
        try session.command("DATA", expect: 354)
        // Dot-stuffing (RFC 5321 §4.5.2): a line starting with "." gets another.
        let lines = message.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        let body = lines.map { $0.hasPrefix(".") ? "." + $0 : String($0) }.joined(separator: "\r\n")
        try session.command(body + "\r\n.", expect: 250)
        try? session.command("QUIT", expect: 221)
    }

    private func connect() throws -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var results: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &results) == 0, let first = results else {
            throw Failure(description: "cannot resolve the SMTP relay \(host)")
        }
        defer { freeaddrinfo(results) }
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            let socket = Glibc.socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            if socket >= 0 {
                var timeout = timeval(tv_sec: 10, tv_usec: 0)
                setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                setsockopt(socket, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                if Glibc.connect(socket, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return socket }
                close(socket)
            }
            entry = info.pointee.ai_next
        }
        throw Failure(description: "cannot connect to the SMTP relay \(host):\(port)")
    }

    /// One SMTP conversation over a connected socket.
    private struct Session {
        let socket: Int32
        var buffer: [UInt8] = []

        mutating func command(_ line: String, expect code: Int) throws {
            let bytes = Array((line + "\r\n").utf8)
            var sent = 0
            while sent < bytes.count {
                let written = bytes[sent...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, 0) }
                guard written > 0 else { throw Failure(description: "the SMTP relay closed the connection") }
                sent += written
            }
            try expect(code)
        }

        /// Reads a (possibly multi-line) reply and checks its code.
        mutating func expect(_ code: Int) throws {
            while true {
                let line = try readLine()
                guard line.count >= 3, let replyCode = Int(line.prefix(3)) else { throw Failure(description: "malformed SMTP reply") }
                if line.count > 3, line[line.index(line.startIndex, offsetBy: 3)] == "-" { continue }
                guard replyCode == code else { throw Failure(description: "SMTP relay answered \(line)") }
                return
            }
        }

        private mutating func readLine() throws -> String {
            while true {
                if let end = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: buffer[..<end], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                    buffer.removeFirst(end + 1)
                    return line
                }
                var chunk = [UInt8](repeating: 0, count: 1024)
                let count = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
                guard count > 0 else { throw Failure(description: "the SMTP relay did not answer") }
                buffer += chunk[..<count]
            }
        }
    }
}
