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
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: Double(seconds)))
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", parts.year!, parts.month!, parts.day!, parts.hour!,
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
}
