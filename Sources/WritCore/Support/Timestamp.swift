import Foundation

/// RFC 3339 timestamps in UTC with exactly six fractional digits, as the audit chain hashes them.
public enum Timestamp {
    /// `2026-11-27T16:51:58.123456Z` for `date`, truncated to the microsecond.
    public static func format(_ date: Date) -> String {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.down))
        let seconds = Int64((Double(micros) / 1_000_000).rounded(.down))
        let fraction = micros - seconds * 1_000_000
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents(
            [.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: Double(seconds)))
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", parts.year!, parts.month!, parts.day!, parts.hour!,
            parts.minute!, parts.second!, fraction)
    }

    /// The date of a timestamp written by ``format(_:)`` or any RFC 3339 form with a zone.
    public static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
