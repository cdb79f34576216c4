import Foundation

/// Hands messages to the SMTP server of `WRIT_SMTP_URL` (RFC 5321): STARTTLS before anything
/// else unless `tls=none`, or implicit TLS for `smtps://`; the certificate must verify against
/// the system's roots (or `WRIT_SMTP_CA_FILE`) and name the host; AUTH PLAIN or LOGIN when the
/// URL carries credentials, which are only ever sent inside TLS.
struct SMTPRelay: Sendable {
    /// Why a message could not be handed over (never holding the credentials).
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let settings: SMTPSettings

    var from: String { settings.from }

    init(settings: SMTPSettings) {
        self.settings = settings
    }

    /// Sends one message (RFC 5322 text with CRLF line ends); blocking, so call it off the concurrency pool.
    func send(to recipient: String, message: String) throws(Failure) {
        guard SMTPSettings.isAddress(recipient) else { throw Failure(description: "the recipient is not a plain address") }
        var session = try SMTPSession(host: settings.host, port: settings.port)
        if settings.security == .implicitTLS {
            try session.startTLS(host: settings.host, trustedCertificatesFile: settings.trustedCertificatesFile)
        }
        try session.expect(220)
        var extensions = try session.command("EHLO writ", expect: 250)
        if settings.security == .startTLS {
            guard Self.offers("STARTTLS", in: extensions) else {
                throw Failure(description: "the SMTP server does not offer STARTTLS (tls=none in WRIT_SMTP_URL allows a relay without TLS)")
            }
            try session.command("STARTTLS", expect: 220)
            try session.startTLS(host: settings.host, trustedCertificatesFile: settings.trustedCertificatesFile)
            extensions = try session.command("EHLO writ", expect: 250)
        }
        if let username = settings.username, let password = settings.password {
            try Self.authenticate(&session, username: username, password: password, extensions: extensions)
        }
        let eightBit = Self.offers("8BITMIME", in: extensions) ? " BODY=8BITMIME" : ""
        try session.command("MAIL FROM:<\(settings.from)>\(eightBit)", expect: 250)
        try session.command("RCPT TO:<\(recipient)>", expect: 250)
        try session.command("DATA", expect: 354)
        // Dot-stuffing (RFC 5321 §4.5.2): a line starting with "." gets another.
        let lines = message.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        let body = lines.map { $0.hasPrefix(".") ? "." + $0 : String($0) }.joined(separator: "\r\n")
        try session.command(body + "\r\n.", expect: 250)
        _ = try? session.command("QUIT", expect: 221)
    }

    /// AUTH PLAIN (RFC 4616) when offered, else AUTH LOGIN.
    private static func authenticate(_ session: inout SMTPSession, username: String, password: String, extensions: [String]) throws(Failure)
    {
        let mechanisms = Set(
            extensions.filter { $0.uppercased().hasPrefix("AUTH") }
                .flatMap { $0.uppercased().split(whereSeparator: { $0 == " " || $0 == "=" }).dropFirst().map(String.init) })
        guard mechanisms.contains("PLAIN") || mechanisms.contains("LOGIN") else {
            throw Failure(description: "the SMTP server offers neither AUTH PLAIN nor AUTH LOGIN")
        }
        // A refusal is reported without the server's words: some servers echo the command they
        // refused, and the AUTH command carries the credentials (base64 is not a secret's cover).
        do throws(Failure) {
            if mechanisms.contains("PLAIN") {
                let credentials = Data([0] + Array(username.utf8) + [0] + Array(password.utf8)).base64EncodedString()
                try session.command("AUTH PLAIN \(credentials)", expect: 235)
            } else {
                try session.command("AUTH LOGIN", expect: 334)
                try session.command(Data(username.utf8).base64EncodedString(), expect: 334)
                try session.command(Data(password.utf8).base64EncodedString(), expect: 235)
            }
        } catch {
            throw Failure(description: "the SMTP server refused the login; check the user and password of WRIT_SMTP_URL")
        }
    }

    private static func offers(_ keyword: String, in extensions: [String]) -> Bool {
        extensions.contains { $0.uppercased() == keyword || $0.uppercased().hasPrefix(keyword + " ") }
    }
}
