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

    /// The date of a timestamp written by ``format(_:)`` or any RFC 3339 date-time
    /// (`YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, `T`/`Z` in either case), to the microsecond (a
    /// longer fraction is cut, never rounded into the next second); `nil` for anything else — a
    /// day the month does not have, hour 24, an offset past ±23:59 — and for a time outside ``accepted``.
    public static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard (20...40).contains(bytes.count) else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for index in range {
                guard index < bytes.count, (48...57).contains(bytes[index]) else { return nil }
                value = value * 10 + Int64(bytes[index] - 48)
            }
            return value
        }
        guard let year = number(0..<4), bytes[4] == UInt8(ascii: "-"), let month = number(5..<7), bytes[7] == UInt8(ascii: "-"),
            let day = number(8..<10), bytes[10] | 0x20 == UInt8(ascii: "t"), let hour = number(11..<13), bytes[13] == UInt8(ascii: ":"),
            let minute = number(14..<16), bytes[16] == UInt8(ascii: ":"), let second = number(17..<19),
            (1...12).contains(month), (1...CivilDate.daysIn(month: month, year: year)).contains(day),
            hour < 24, minute < 60, second < 60
        else { return nil }
        var index = 19
        var micros: Int64 = 0
        if bytes[index] == UInt8(ascii: ".") {
            index += 1
            let start = index
            while index < bytes.count, (48...57).contains(bytes[index]) { index += 1 }
            guard index > start, index - start <= 9 else { return nil }
            for (position, digit) in bytes[start..<index].enumerated() where position < 6 {
                micros += Int64(digit - 48) * [100_000, 10_000, 1000, 100, 10, 1][position]
            }
        }
        guard index < bytes.count else { return nil }
        var offset: Int64 = 0
        if bytes[index] | 0x20 == UInt8(ascii: "z"), index + 1 == bytes.count {
            offset = 0
        } else if bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-"), index + 6 == bytes.count,
            let hours = number((index + 1)..<(index + 3)), bytes[index + 3] == UInt8(ascii: ":"),
            let minutes = number((index + 4)..<(index + 6)), hours < 24, minutes < 60
        {
            offset = (hours * 3600 + minutes * 60) * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
        } else {
            return nil
        }
        let seconds = CivilDate.days(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second - offset
        // Half a microsecond over, so that a Double's rounding never formats it a microsecond early.
        let date = Date(timeIntervalSince1970: TimeInterval(seconds) + (TimeInterval(micros) + 0.5) / 1_000_000)
        return accepted.contains(date) ? date : nil
    }
}
