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
        try await PeriodicService(name: "mail delivery", interval: interval, logger: logger) {
            try await Outbox.deliver(database: database) { message in
                let text = rendered(message).rendered()
                if let relay {
                    do {
                        try await NIOThreadPool.singleton.runIfActive { try relay.send(to: message.recipient, message: text) }
                    } catch {
                        logger.warning(
                            "the SMTP server did not take a message; it is retried later",
                            metadata: ["kind": "\(message.kind.rawValue)", "error": "\(error)"])
                        throw error
                    }
                }
                if let directory { try write(text, id: message.id, to: directory) }
            }
            return false
        }.run()
    }

    /// The message with the recipient's link (derived now, never stored) in place of the placeholder.
    func rendered(_ message: OutboxMessage) -> MailMessage {
        let link = message.link.map { "\(publicURL)/\($0.kind.page)#\(links.token(for: $0))" }
        let text = link.map { message.body.replacingOccurrences(of: Outbox.linkPlaceholder, with: $0) } ?? message.body
        return MailMessage(
            id: message.id, date: message.createdAt, from: relay?.from ?? "no-reply@writ.invalid", recipient: message.recipient,
            subject: message.subject, kind: message.kind, text: text, link: link)
    }

    /// Writes one message as `<id>.eml`; the file appears whole (written aside, then renamed).
    private func write(_ text: String, id messageID: UUID, to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let id = messageID.uuidString.lowercased()
        let temporary = directory.appendingPathComponent(".\(id).tmp")
        try Data(text.utf8).write(to: temporary)
        try FileManager.default.moveItem(at: temporary, to: directory.appendingPathComponent("\(id).eml"))
    }
}
