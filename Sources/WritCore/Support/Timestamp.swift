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

    /// The times Writ accepts: from the Unix epoch to the end of year 9999. PostgreSQL's
    /// timestamps, the chain's four-digit years and Foundation's Gregorian arithmetic all agree
    /// inside it; outside it they do not (a year 0001 is Julian to one and proleptic to another).
    public static let accepted = Date(timeIntervalSince1970: 0)..<Date(timeIntervalSince1970: 253_402_300_800)

    /// What a request is told when a time it sent is refused.
    public static let requirement = "must be an RFC 3339 timestamp from 1970 to 9999"

    /// The date of a timestamp written by ``format(_:)`` or any RFC 3339 form with a zone;
    /// `nil` for anything else and for a time outside ``accepted``.
    public static func parse(_ text: String) -> Date? {
        guard text.utf8.count <= 64 else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var date = formatter.date(from: text)
        if date == nil {
            formatter.formatOptions = [.withInternetDateTime]
            date = formatter.date(from: text)
        }
        guard let date, accepted.contains(date) else { return nil }
        return date
    }
}
