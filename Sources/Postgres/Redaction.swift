import Foundation

/// Removes secrets from text that may be logged.
public enum Redaction {
    /// A connection string (`scheme://user:password@host/…` or libpq `key=value` form) with its
    /// password, and any `password=`/`sslpassword=` parameter, replaced by `<redacted>`.
    public static func connectionString(_ text: String) -> String {
        var result = text
        if let scheme = result.range(of: "://"), let at = result[scheme.upperBound...].firstIndex(of: "@") {
            let userInfo = result[scheme.upperBound..<at]
            if let colon = userInfo.firstIndex(of: ":") {
                result.replaceSubrange(result.index(after: colon)..<at, with: "<redacted>")
            }
        }
        for key in ["password", "sslpassword", "pass"] {
            result = redactParameter(key, in: result)
        }
        return result
    }

    /// Replaces the value of `key=` (in a query string or a libpq keyword list) with `<redacted>`.
    private static func redactParameter(_ key: String, in text: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let range = rest.range(of: key + "=", options: .caseInsensitive) {
            let boundaryOK =
                range.lowerBound == rest.startIndex
                || [" ", "?", "&", "\t"].contains(rest[rest.index(before: range.lowerBound)])
            result += rest[..<range.upperBound]
            rest = rest[range.upperBound...]
            guard boundaryOK else { continue }
            let end = rest.firstIndex(where: { $0 == "&" || $0 == " " || $0 == "\t" }) ?? rest.endIndex
            result += "<redacted>"
            rest = rest[end...]
        }
        return result + rest
    }
}
