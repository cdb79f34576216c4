/// When a failed delivery is tried again: the Standard Webhooks schedule (5 s, 5 min, 30 min, 2 h,
/// 5 h, 10 h, 10 h after the first attempt: 27 h 35 min in all), each delay spread by ±10 % so
/// that receivers coming back are not hit by every sender at once.
public struct WebhookRetrySchedule: Sendable, Equatable {
    /// Seconds to wait after attempt 1, 2, …; after the last, the delivery has failed.
    public let delays: [Double]

    public static let standard = WebhookRetrySchedule(delays: [5, 300, 1800, 7200, 18_000, 36_000, 36_000])

    public init(delays: [Double]) {
        self.delays = delays
    }

    /// Parses a comma-separated list of seconds (`1,2,4`); `nil` if any is not a positive number.
    public init?(text: String) {
        let parts = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? 0) > 0 }) else { return nil }
        delays = parts.map { $0! }
    }

    /// The attempts in all: the first and one per delay.
    public var maxAttempts: Int { delays.count + 1 }

    /// Seconds to wait after failed attempt `attempt` (1-based), spread by `jitter` in -1…1;
    /// `nil` when it was the last.
    public func delay(after attempt: Int, jitter: Double) -> Double? {
        guard attempt >= 1, attempt <= delays.count else { return nil }
        let base = delays[attempt - 1]
        return base + base * 0.1 * max(-1, min(1, jitter))
    }
}
