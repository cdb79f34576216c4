import Foundation
import Testing
import WritCore

@Suite("RFC 3339 timestamps")
struct TimestampTests {
    /// What `Timestamp.format` wrote before it stopped using Foundation's calendar: the chain's
    /// hashes depend on these bytes, so the fast path must match it exactly.
    static func reference(_ date: Date) -> String {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.down))
        let seconds = Int64((Double(micros) / 1_000_000).rounded(.down))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents(
            [.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: Double(seconds)))
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", parts.year!, parts.month!, parts.day!, parts.hour!,
            parts.minute!, parts.second!, micros - seconds * 1_000_000)
    }

    @Test("format matches the calendar-based reference on 5,000 dates from 1970 to 2200")
    func matchesReference() {
        var generator = SystemRandomNumberGenerator()
        let edges: [Double] = [0, 951_782_400, 951_868_799.999999, 4_102_444_800, 1_795_927_578.123456]
        for seconds in edges + (0..<5_000).map({ _ in Double.random(in: 0..<7_258_118_400, using: &generator) }) {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(Timestamp.format(date) == Self.reference(date))
        }
    }

    @Test(
        "parse reads RFC 3339 to the microsecond and round-trips format on 5,000 dates from 1970 to 2100 (where a Double holds microseconds)"
    )
    func parseRoundTrips() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let text = Timestamp.format(Date(timeIntervalSince1970: Double.random(in: 0..<4_102_444_800, using: &generator)))
            #expect(Timestamp.parse(text).map(Timestamp.format) == text, "\(text)")
        }
        for (text, expected) in [
            ("2026-12-06T05:00:00Z", "2026-12-06T05:00:00.000000Z"), ("2026-12-06t05:00:00.5z", "2026-12-06T05:00:00.500000Z"),
            ("2026-12-06T05:00:00.999999Z", "2026-12-06T05:00:00.999999Z"),
            ("2026-12-06T05:00:00.999999999Z", "2026-12-06T05:00:00.999999Z"),
            ("2026-12-06T07:30:00.25+02:30", "2026-12-06T05:00:00.250000Z"), ("2026-12-05T23:00:00-06:00", "2026-12-06T05:00:00.000000Z"),
            ("2024-02-29T00:00:00Z", "2024-02-29T00:00:00.000000Z"), ("1970-01-01T00:00:00Z", "1970-01-01T00:00:00.000000Z"),
            ("9999-12-31T23:59:59Z", "9999-12-31T23:59:59.000000Z"),
        ] {
            #expect(Timestamp.parse(text).map(Timestamp.format) == expected, "\(text)")
        }
    }

    @Test(
        "parse refuses what RFC 3339 does not allow, and times outside 1970–9999",
        arguments: [
            "2023-02-29T00:00:00Z", "2024-02-30T00:00:00Z", "2026-04-31T00:00:00Z", "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z",
            "2026-12-01T24:00:00Z", "2026-12-01T23:60:00Z", "2026-12-01T23:59:60Z", "2026-12-01T00:00:00+24:00",
            "2026-12-01T00:00:00+99:99",
            "2026-12-01T00:00:00-00:60", "2026-12-01T00:00:00", "2026-12-01 00:00:00Z", "2026-12-01T00:00:00.Z",
            "2026-12-01T00:00:00.0000000000Z", "2026-12-01T00:00:00ZZ", "+2026-12-01T00:00:00Z", "2026-1-01T00:00:00Z",
            "0001-01-01T00:00:00Z", "1969-12-31T23:59:59.999999Z", "1970-01-01T00:00:00+00:01", "9999-12-31T23:59:59-00:01",
            "10000-01-01T00:00:00Z", "２０２６-12-01T00:00:00Z", "",
        ])
    func parseRefuses(_ text: String) {
        #expect(Timestamp.parse(text) == nil)
    }
}
