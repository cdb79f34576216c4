import Foundation
import Testing

@testable import WritCore

@Suite("Mail messages")
struct MailMessageTests {
    static func message(subject: String = "Board approval needed", text: String, link: String? = nil, recipient: String = "a@example.com")
        -> MailMessage
    {
        MailMessage(
            id: UUID(), date: Date(timeIntervalSince1970: 0), from: "writ@example.com", recipient: recipient,
            subject: subject, kind: .boardApprovalLink, text: text, link: link)
    }

    @Test("a message is multipart/alternative: 7-bit plain text and a base64 HTML part, CRLF everywhere")
    func structure() throws {
        let link = "https://writ.example.com/approve#wsb_token"
        let rendered = Self.message(text: "Decide:\n\n  \(link)\n\nThanks.\n", link: link).rendered()
        #expect(rendered.contains("Content-Type: multipart/alternative; boundary=\"=_writ_"))
        #expect(rendered.contains("Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n"))
        #expect(!rendered.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(rendered.contains("Content-Transfer-Encoding: 7bit\r\n\r\nDecide:\r\n\r\n  \(link)\r\n"))
        let html = try #require(
            rendered.components(separatedBy: "Content-Transfer-Encoding: base64\r\n\r\n").last?
                .components(separatedBy: "\r\n--").first?.replacingOccurrences(of: "\r\n", with: ""))
        let page = String(decoding: try #require(Data(base64Encoded: html)), as: UTF8.self)
        #expect(page.contains("<a href=\"\(link)\""))
        #expect(page.contains("Review and decide"))
        #expect(rendered.hasSuffix("--\r\n"))
    }

    @Test("hostile text stays text: no header injection, no markup, no link but the recipient's")
    func hostile() {
        let rendered = Self.message(
            subject: "x\r\nBcc: victim@example.com", text: "<script>alert(1)</script> https://evil.example/\n",
            recipient: "a@example.com\r\nBcc: b@example.com"
        ).rendered()
        #expect(!rendered.contains("\r\nBcc:"))
        let page = MailHTML.document(text: "<img src=x onerror=alert(1)> \"quoted\" https://evil.example/", link: nil, linkLabel: "Open")
        #expect(!page.contains("<img") && page.contains("&lt;img src=x onerror=alert(1)&gt; &quot;quoted&quot;"))
        #expect(!page.contains("href="))
    }

    @Test("a subject outside ASCII becomes RFC 2047 encoded words that decode back")
    func encodedSubject() throws {
        let subject = "Freigabe nötig: Größenänderung – 集群扩容 " + String(repeating: "é", count: 40)
        let encoded = MailMessage.encodedWords(subject)
        let words = encoded.components(separatedBy: "\r\n ")
        #expect(words.allSatisfy { $0.hasPrefix("=?utf-8?B?") && $0.hasSuffix("?=") && $0.count <= 75 })
        let decoded = try words.map { word -> String in
            let payload = word.dropFirst("=?utf-8?B?".count).dropLast(2)
            return String(decoding: try #require(Data(base64Encoded: String(payload))), as: UTF8.self)
        }.joined()
        #expect(decoded == subject)
        #expect(MailMessage.encodedWords("plain ascii") == "plain ascii")
    }

    @Test("lines longer than SMTP allows are broken, nothing is lost")
    func longLines() {
        let line = String(repeating: "abcdefghij", count: 250)
        let wrapped = MailMessage.wrapped("start\n\(line)\nend")
        #expect(wrapped.split(separator: "\n").allSatisfy { $0.utf8.count <= 900 })
        #expect(wrapped.replacingOccurrences(of: "\n", with: "") == "start\(line)end")
    }
}
