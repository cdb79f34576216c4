import Foundation
import Synchronization

/// Token buckets per API key, on this node: `rate` requests per second with bursts up to `burst`.
final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    private let buckets = Mutex<[UUID: Bucket]>([:])

    /// `nil` when the request may proceed, else whole seconds to wait.
    func retryAfter(key: UUID, rate: Int, burst: Int) -> Int? {
        let now = ContinuousClock.now
        return buckets.withLock { buckets in
            var bucket = buckets[key] ?? Bucket(tokens: Double(burst), updated: now)
            let elapsed = now - bucket.updated
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.tokens = min(Double(burst), bucket.tokens + seconds * Double(rate))
            bucket.updated = now
            defer { buckets[key] = bucket }
            guard bucket.tokens >= 1 else { return max(1, Int(((1 - bucket.tokens) / Double(rate)).rounded(.up))) }
            bucket.tokens -= 1
            return nil
        }
    }
}
