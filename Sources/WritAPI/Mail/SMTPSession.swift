import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One SMTP conversation (RFC 5321) over a blocking socket, in clear or TLS once upgraded.
struct SMTPSession: ~Copyable {
    private let socket: Int32
    private var tls: TLSClientSocket?
    private var buffer: [UInt8] = []

    /// Connects to `host:port` (every resolved address in turn, 10 s limits on each read and write).
    init(host: String, port: UInt16) throws(SMTPRelay.Failure) {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var results: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &results) == 0, let first = results else {
            throw SMTPRelay.Failure(description: "cannot resolve the SMTP server \(host)")
        }
        defer { freeaddrinfo(results) }
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            let socket = Glibc.socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            if socket >= 0 {
                var timeout = timeval(tv_sec: 10, tv_usec: 0)
                setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                setsockopt(socket, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                if Glibc.connect(socket, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 {
                    self.socket = socket
                    return
                }
                close(socket)
            }
            entry = info.pointee.ai_next
        }
        throw SMTPRelay.Failure(description: "cannot connect to the SMTP server \(host):\(port)")
    }

    deinit {
        tls?.shutdown()
        close(socket)
    }

    /// Switches the connection to TLS. Refused if the server sent anything after the reply that
    /// allowed it: such bytes were injected before the handshake and must not be trusted.
    mutating func startTLS(host: String, trustedCertificatesFile: String?) throws(SMTPRelay.Failure) {
        guard buffer.isEmpty else { throw SMTPRelay.Failure(description: "the SMTP server sent data before the TLS handshake") }
        tls = try TLSClientSocket(socket: socket, host: host, trustedCertificatesFile: trustedCertificatesFile)
    }

    /// Sends `line` and checks the reply's code; returns the reply's lines without their codes.
    @discardableResult
    mutating func command(_ line: String, expect code: Int) throws(SMTPRelay.Failure) -> [String] {
        try send(Array((line + "\r\n").utf8))
        return try expect(code)
    }

    /// Reads a (possibly multi-line) reply and checks its code; returns its lines without codes.
    @discardableResult
    mutating func expect(_ code: Int) throws(SMTPRelay.Failure) -> [String] {
        var lines: [String] = []
        while true {
            let line = try readLine()
            guard line.count >= 3, let replyCode = Int(line.prefix(3)) else { throw SMTPRelay.Failure(description: "malformed SMTP reply") }
            lines.append(String(line.dropFirst(4)))
            if line.count > 3, line[line.index(line.startIndex, offsetBy: 3)] == "-" { continue }
            // The server's words, never ours: a refused AUTH must not echo the credentials.
            guard replyCode == code else { throw SMTPRelay.Failure(description: "the SMTP server answered \(line.prefix(200))") }
            return lines
        }
    }

    private func send(_ bytes: [UInt8]) throws(SMTPRelay.Failure) {
        if let tls { return try tls.write(bytes) }
        var sent = 0
        while sent < bytes.count {
            let written = bytes[sent...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { throw SMTPRelay.Failure(description: "the SMTP server closed the connection") }
            sent += written
        }
    }

    private mutating func readLine() throws(SMTPRelay.Failure) -> String {
        while true {
            if let end = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<end], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                buffer.removeFirst(end + 1)
                return line
            }
            guard buffer.count < 8192 else { throw SMTPRelay.Failure(description: "the SMTP server sent an overlong line") }
            if let tls {
                buffer += try tls.read()
            } else {
                var chunk = [UInt8](repeating: 0, count: 1024)
                let count = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
                guard count > 0 else { throw SMTPRelay.Failure(description: "the SMTP server did not answer") }
                buffer += chunk[..<count]
            }
        }
    }
}
