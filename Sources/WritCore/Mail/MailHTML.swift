import Foundation

/// The HTML alternative of a plain-text message: its paragraphs, indented lines as quoted
/// blocks, and the recipient's personal link as a button (the only link in the page).
enum MailHTML {
    static func document(text: String, link: String?, linkLabel: String) -> String {
        var body = ""
        let paragraphs = text.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n\n")
        for paragraph in paragraphs {
            let trimmed = paragraph.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { continue }
            if let link, trimmed == link {
                body += """
                    <p><a href="\(escape(link))" style="display:inline-block;padding:10px 18px;background:#1d4ed8;color:#ffffff;\
                    text-decoration:none;border-radius:6px;font-weight:600">\(escape(linkLabel))</a></p>
                    <p style="font-size:13px;color:#57606a">Or copy this address into your browser (it is yours alone):<br>\
                    <span style="word-break:break-all">\(escape(link))</span></p>

                    """
            } else if paragraph.hasPrefix("  ") {
                body +=
                    "<blockquote style=\"margin:0 0 16px;padding:8px 12px;border-left:3px solid #d0d7de;background:#f6f8fa;"
                    + "font-family:ui-monospace,monospace;word-break:break-all\">"
                    + trimmed.components(separatedBy: "\n").map { escape($0.trimmingCharacters(in: .whitespaces)) }.joined(
                        separator: "<br>")
                    + "</blockquote>\n"
            } else {
                body += "<p>" + trimmed.components(separatedBy: "\n").map(escape).joined(separator: "<br>") + "</p>\n"
            }
        }
        return """
            <!doctype html>
            <html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"></head>
            <body style="margin:0;padding:24px;font-family:system-ui,-apple-system,'Segoe UI',sans-serif;font-size:15px;line-height:1.5;color:#1f2328">
            <div style="max-width:560px">
            \(body)<p style="font-size:12px;color:#57606a;border-top:1px solid #d0d7de;padding-top:12px">Writ · governance for AI agents</p>
            </div></body></html>
            """
    }

    /// Text safe inside an element or a quoted attribute.
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}
