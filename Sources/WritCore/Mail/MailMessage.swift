import Foundation

/// One outgoing message, rendered as RFC 5322 text with a plain-text and an HTML alternative
/// (RFC 2046 `multipart/alternative`), CRLF line ends throughout.
///
/// Everything that may come from an agent (action, resource, names) is confined: header values
/// lose line breaks and control characters, the HTML escapes every character that means markup,
/// and only the recipient's own link becomes a link.
public struct MailMessage: Sendable {
    public let id: UUID
    public let date: Date
    public let from: String
    public let recipient: String
    public let subject: String
    public let kind: MailKind
    /// The plain text, with the personal link (if any) in place.
    public let text: String
    /// The recipient's personal link, shown as a button in the HTML part.
    public let link: String?

    public init(id: UUID, date: Date, from: String, recipient: String, subject: String, kind: MailKind, text: String, link: String?) {
        self.id = id
        self.date = date
        self.from = from
        self.recipient = recipient
        self.subject = subject
        self.kind = kind
        self.text = text
        self.link = link
    }

    /// The whole message.
    public func rendered() -> String {
        let boundary = "=_writ_\(UUID().uuidString.lowercased())"
        let plain = Self.wrapped(text.replacingOccurrences(of: "\r\n", with: "\n"))
        let html = Data(MailHTML.document(text: text, link: link, linkLabel: kind.linkLabel).utf8)
            .base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        let headers = [
            "Message-ID: <\(id.uuidString.lowercased())@writ>",
            "Date: \(Self.dateText(date))",
            "From: Writ <\(Self.headerValue(from))>",
            "To: \(Self.headerValue(recipient))",
            "Subject: \(Self.encodedWords(Self.headerValue(String(subject.prefix(200)))))",
            "MIME-Version: 1.0",
            "Content-Type: multipart/alternative; boundary=\"\(boundary)\"",
            "X-Writ-Kind: \(kind.rawValue)",
        ]
        let parts = [
            "--\(boundary)",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: \(plain.utf8.allSatisfy { $0 < 0x80 } ? "7bit" : "8bit")",
            "",
            plain.replacingOccurrences(of: "\n", with: "\r\n"),
            "--\(boundary)",
            "Content-Type: text/html; charset=utf-8",
            "Content-Transfer-Encoding: base64",
            "",
            html,
            "--\(boundary)--",
            "",
        ]
        return (headers + [""] + parts).joined(separator: "\r\n")
    }

    /// A header value on one line: line breaks and other control characters become spaces.
    static func headerValue(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7f ? " " : $0 }))
    }

    /// ASCII as is; anything else as RFC 2047 encoded words of at most 45 bytes each.
    static func encodedWords(_ text: String) -> String {
        guard !text.utf8.allSatisfy({ $0 < 0x80 }) else { return text }
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 45 {
                words.append("=?utf-8?B?\(Data(chunk).base64EncodedString())?=")
                chunk.removeAll()
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?utf-8?B?\(Data(chunk).base64EncodedString())?=") }
        return words.joined(separator: "\r\n ")
    }

    /// Lines longer than SMTP allows (RFC 5321 §4.5.3.1.6: 998 bytes) are broken at 900 bytes.
    static func wrapped(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard line.utf8.count > 900 else { return String(line) }
            var pieces: [String] = []
            var piece = ""
            for character in line {
                if piece.utf8.count + character.utf8.count > 900 {
                    pieces.append(piece)
                    piece = ""
                }
                piece.append(character)
            }
            pieces.append(piece)
            return pieces.joined(separator: "\n")
        }.joined(separator: "\n")
    }

    private static func dateText(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}
