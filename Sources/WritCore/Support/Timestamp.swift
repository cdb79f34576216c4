import Foundation

/// RFC 3339 timestamps in UTC with exactly six fractional digits, as the audit chain hashes them.
public enum Timestamp {
    /// `2026-11-27T16:51:58.123456Z` for `date`, truncated to the microsecond.
    public static func format(_ date: Date) -> String {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.down))
        let seconds = Int64((Double(micros) / 1_000_000).rounded(.down))
        let fraction = micros - seconds * 1_000_000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = CivilDate.from(days: days)
        var text = ""
        text.reserveCapacity(27)
        CivilDate.append(year, width: 4, to: &text)
        text += "-"
        CivilDate.append(month, width: 2, to: &text)
        text += "-"
        CivilDate.append(day, width: 2, to: &text)
        text += "T"
        CivilDate.append(secondOfDay / 3600, width: 2, to: &text)
        text += ":"
        CivilDate.append(secondOfDay / 60 % 60, width: 2, to: &text)
        text += ":"
        CivilDate.append(secondOfDay % 60, width: 2, to: &text)
        text += "."
        CivilDate.append(fraction, width: 6, to: &text)
        text += "Z"
        return text
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
