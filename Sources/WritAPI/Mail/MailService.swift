import Foundation
import Logging
import NIOPosix
import ServiceLifecycle
import WritCore
import WritStore

/// Delivers outbox messages every `interval` (a second by default): to the SMTP relay of `WRIT_SMTP_URL`, and/or as `.eml`
/// files in `WRIT_MAIL_DIR`. A message is marked sent only once every configured channel took it.
struct MailService: Service {
    let database: Database
    let directory: URL?
    let relay: SMTPRelay?
    /// Derives each personal link's token at delivery: the outbox never holds one.
    let links: LinkTokens
    /// The console's base URL, for links.
    let publicURL: String
    /// How long to rest between delivery passes.
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await Outbox.deliver(database: database) { message in
                        let text = Self.rfc5322(message, body: body(of: message))
                        if let relay {
                            try await NIOThreadPool.singleton.runIfActive { try relay.send(to: message.recipient, message: text) }
                        }
                        if let directory { try write(text, id: message.id, to: directory) }
                    }
                } catch {
                    logger.warning("mail delivery pass failed", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// The body with the recipient's link put in place of the placeholder.
    func body(of message: OutboxMessage) -> String {
        guard let link = message.link else { return message.body }
        let url = "\(publicURL)/\(link.kind.page)#\(links.token(for: link))"
        return message.body.replacingOccurrences(of: Outbox.linkPlaceholder, with: url)
    }

    /// Writes one message as `<id>.eml`; the file appears whole (written aside, then renamed).
    private func write(_ text: String, id messageID: UUID, to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let id = messageID.uuidString.lowercased()
        let temporary = directory.appendingPathComponent(".\(id).tmp")
        try Data(text.utf8).write(to: temporary)
        try FileManager.default.moveItem(at: temporary, to: directory.appendingPathComponent("\(id).eml"))
    }

    /// The message in RFC 5322 form with CRLF line ends.
    static func rfc5322(_ message: OutboxMessage, body: String) -> String {
        let id = message.id.uuidString.lowercased()
        return """
            Message-ID: <\(id)@writ>\r
            Date: \(Self.date(message.createdAt))\r
            From: Writ <no-reply@writ.invalid>\r
            To: \(message.recipient)\r
            Subject: \(message.subject)\r
            MIME-Version: 1.0\r
            Content-Type: text/plain; charset=utf-8\r
            Content-Transfer-Encoding: 8bit\r
            X-Writ-Kind: \(message.kind)\r
            \r
            \(body.replacingOccurrences(of: "\n", with: "\r\n"))
            """
    }

    private static func date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}
