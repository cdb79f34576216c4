import Foundation
import Logging
import ServiceLifecycle
import WritStore

/// Delivers outbox messages every second: as `.eml` files in `WRIT_MAIL_DIR`.
struct MailService: Service {
    let database: Database
    let directory: URL
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await Outbox.deliver(database: database) { message in try write(message) }
                } catch {
                    logger.warning("mail delivery pass failed", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// Writes one RFC 5322 message; the file appears whole (written aside, then renamed).
    private func write(_ message: OutboxMessage) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let id = message.id.uuidString.lowercased()
        let text = """
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
            \(message.body.replacingOccurrences(of: "\n", with: "\r\n"))
            """
        let temporary = directory.appendingPathComponent(".\(id).tmp")
        try Data(text.utf8).write(to: temporary)
        try FileManager.default.moveItem(at: temporary, to: directory.appendingPathComponent("\(id).eml"))
    }

    private static func date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}
