import Foundation

/// Where and how outgoing mail is handed over, parsed from `WRIT_SMTP_URL`:
/// `smtp://[user:password@]host[:port][?from=address][&tls=none]` (STARTTLS required unless
/// `tls=none`) or `smtps://[user:password@]host[:port][?from=address]` (TLS from the first byte).
struct SMTPSettings: Sendable, Equatable {
    /// How the connection is protected.
    enum Security: Sendable, Equatable {
        /// Plain connection upgraded with STARTTLS before anything else is said; refused if the
        /// server does not offer it.
        case startTLS
        /// TLS from the first byte (`smtps://`, port 465 by default).
        case implicitTLS
        /// No TLS at all (`tls=none`): only for a relay on the same host or a private network,
        /// and never with credentials.
        case none
    }

    /// Why a `WRIT_SMTP_URL` was refused.
    struct Invalid: Error, CustomStringConvertible {
        let description: String
    }

    let host: String
    let port: UInt16
    let security: Security
    let username: String?
    let password: String?
    /// The envelope sender and the `From:` address.
    let from: String
    /// A PEM file of the certificates to trust for the server instead of the system's (`WRIT_SMTP_CA_FILE`).
    var trustedCertificatesFile: String?

    init(url text: String) throws(Invalid) {
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(), ["smtp", "smtps"].contains(scheme) else {
            throw Invalid(description: "must start with smtp:// (STARTTLS) or smtps:// (implicit TLS)")
        }
        guard let host = url.host, !host.isEmpty else { throw Invalid(description: "names no host") }
        guard url.path.isEmpty || url.path == "/" else { throw Invalid(description: "must not have a path") }
        let port = url.port ?? (scheme == "smtps" ? 465 : 25)
        guard (1...65535).contains(port) else { throw Invalid(description: "has a port outside 1–65535") }
        var from = "writ@localhost"
        var plain = false
        for item in url.queryItems ?? [] {
            switch (item.name, item.value) {
            case ("from", let value?) where Self.isAddress(value): from = value
            case ("tls", "none") where scheme == "smtp": plain = true
            case ("tls", "starttls") where scheme == "smtp": plain = false
            default:
                throw Invalid(description: "has an unknown or invalid parameter `\(item.name)` (known: from=address, tls=none|starttls)")
            }
        }
        let username = url.user.flatMap { $0.removingPercentEncoding ?? $0 }
        let password = url.password.flatMap { $0.removingPercentEncoding ?? $0 }
        if username != nil, password == nil { throw Invalid(description: "names a user without a password") }
        if plain, username != nil { throw Invalid(description: "must not send credentials without TLS (drop tls=none or the credentials)") }
        self.host = host
        self.security = scheme == "smtps" ? .implicitTLS : (plain ? .none : .startTLS)
        self.port = UInt16(port)
        self.username = username
        self.password = password
        self.from = from
    }

    /// A bare address without anything that could end an SMTP line or a header.
    static func isAddress(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty && text.count <= 254
            && text.unicodeScalars.allSatisfy { $0.value > 32 && $0.value < 127 && !"<>()[],;:\\\"".unicodeScalars.contains($0) }
    }
}

extension SMTPSettings: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The relay without its password, so a service listing at `trace` never shows it.
    var description: String {
        let user = username.map { "\($0)\(password == nil ? "" : ":<redacted>")@" } ?? ""
        return "SMTPSettings(\(security) \(user)\(host):\(port), from: \(from))"
    }

    var debugDescription: String { description }

    var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "host": host, "port": port, "security": security, "username": username as Any,
                "password": password == nil ? "nil" : "<redacted>", "from": from,
            ], displayStyle: .struct)
    }
}
