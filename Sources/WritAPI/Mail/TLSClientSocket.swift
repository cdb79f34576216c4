import COpenSSL
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// TLS 1.2 or newer (OpenSSL) over a connected, blocking socket. The handshake checks the
/// server's certificate against the trusted roots and the host name before anything is sent:
/// a certificate that does not verify ends the connection.
final class TLSClientSocket {
    private let context: OpaquePointer
    private let connection: OpaquePointer

    /// A peer that closes mid-write must fail the write, not end the process with SIGPIPE
    /// (OpenSSL writes with plain `write`).
    private static let brokenPipesIgnored: Void = { signal(SIGPIPE, SIG_IGN) }()

    /// Performs the handshake on `socket` (which the caller keeps and closes).
    init(socket: Int32, host: String, trustedCertificatesFile: String?) throws(SMTPRelay.Failure) {
        Self.brokenPipesIgnored
        guard let context = SSL_CTX_new(TLS_client_method()) else { throw Self.failure("cannot create a TLS context") }
        guard let connection = SSL_new(context) else {
            SSL_CTX_free(context)
            throw Self.failure("cannot create a TLS connection")
        }
        self.context = context
        self.connection = connection
        guard writ_ssl_ctx_set_min_tls12(context) == 1 else { throw Self.failure("cannot require TLS 1.2") }
        SSL_set_verify(connection, SSL_VERIFY_PEER, nil)
        let roots =
            trustedCertificatesFile.map { SSL_CTX_load_verify_locations(context, $0, nil) } ?? SSL_CTX_set_default_verify_paths(context)
        guard roots == 1 else {
            throw Self.failure("cannot load the trusted certificates\(trustedCertificatesFile.map { " from \($0)" } ?? "")")
        }
        let name = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if Self.isIPAddress(name) {
            guard X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(connection), name) == 1 else {
                throw Self.failure("cannot check the address \(name)")
            }
        } else {
            guard SSL_set1_host(connection, name) == 1, writ_ssl_set_server_name(connection, name) == 1 else {
                throw Self.failure("cannot check the host name \(name)")
            }
        }
        guard SSL_set_fd(connection, socket) == 1 else { throw Self.failure("cannot attach TLS to the socket") }
        guard SSL_connect(connection) == 1 else {
            let verification = SSL_get_verify_result(connection)
            let reason =
                verification == X509_V_OK
                ? Self.lastError() : String(cString: X509_verify_cert_error_string(verification))
            throw Self.failure("the TLS handshake with \(host) failed: \(reason)")
        }
    }

    deinit {
        SSL_free(connection)
        SSL_CTX_free(context)
    }

    /// Says goodbye (TLS close_notify); call before the socket is closed.
    func shutdown() {
        SSL_shutdown(connection)
    }

    /// Sends all of `bytes`.
    func write(_ bytes: [UInt8]) throws(SMTPRelay.Failure) {
        var sent = 0
        while sent < bytes.count {
            let written = bytes[sent...].withUnsafeBytes { SSL_write(connection, $0.baseAddress, Int32($0.count)) }
            guard written > 0 else { throw Self.failure("the TLS connection closed while sending") }
            sent += Int(written)
        }
    }

    /// Reads what has arrived (at most `limit` bytes); throws at the end of the stream or a timeout.
    func read(limit: Int = 4096) throws(SMTPRelay.Failure) -> [UInt8] {
        var chunk = [UInt8](repeating: 0, count: limit)
        let count = chunk.withUnsafeMutableBytes { SSL_read(connection, $0.baseAddress, Int32($0.count)) }
        guard count > 0 else { throw Self.failure("the TLS connection closed or timed out while reading") }
        return Array(chunk[..<Int(count)])
    }

    private static func isIPAddress(_ text: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
    }

    /// The newest OpenSSL error as text (the queue is cleared).
    private static func lastError() -> String {
        let code = ERR_get_error()
        ERR_clear_error()
        guard code != 0 else { return "the connection closed" }
        var text = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &text, text.count)
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func failure(_ text: String) -> SMTPRelay.Failure {
        SMTPRelay.Failure(description: text)
    }
}
