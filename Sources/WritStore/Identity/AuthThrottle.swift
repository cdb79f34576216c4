import Foundation
import Postgres
import WritCore
import WritCrypto

/// Counts failed credential checks per subject (an account, a client address, a TOTP user) in the
/// database, so every node sees the same counts; a subject over its limit waits out the window.
public struct AuthThrottle: Sendable {
    let database: Database
    let hasher: KeyedHasher
    /// Failures allowed per window.
    public let limit: Int
    /// The window's length.
    public let window: TimeInterval

    public init(database: Database, masterKey: [UInt8], limit: Int = 5, window: TimeInterval = 15 * 60) {
        self.database = database
        self.hasher = KeyedHasher(masterKey: masterKey)
        self.limit = limit
        self.window = window
    }

    /// Seconds until `subject` may try again, or `nil` when it is not throttled.
    public func retryAfter(_ subject: String, limit: Int? = nil) async throws -> Int? {
        let rows = try await database.pool.query("""
            SELECT failures, ceil(extract(epoch FROM window_start + make_interval(secs => \(window)) - now()))::int AS remaining
            FROM auth_throttle WHERE subject = \(key(subject)) AND window_start > now() - make_interval(secs => \(window))
            """)
        guard let row = rows.first, try row.decode(Int.self, "failures") >= (limit ?? self.limit) else { return nil }
        return max(1, try row.decode(Int.self, "remaining"))
    }

    /// Records one failure for `subject`, starting a new window when the last one is over.
    public func recordFailure(_ subject: String) async throws {
        try await database.pool.query("""
            INSERT INTO auth_throttle (subject, failures, window_start) VALUES (\(key(subject)), 1, now())
            ON CONFLICT (subject) DO UPDATE SET
                failures = CASE WHEN auth_throttle.window_start > now() - make_interval(secs => \(window))
                                THEN auth_throttle.failures + 1 ELSE 1 END,
                window_start = CASE WHEN auth_throttle.window_start > now() - make_interval(secs => \(window))
                                    THEN auth_throttle.window_start ELSE now() END
            """)
    }

    /// Forgets the failures of `subject` after a success.
    public func reset(_ subject: String) async throws {
        try await database.pool.query("DELETE FROM auth_throttle WHERE subject = \(key(subject))")
    }

    private func key(_ subject: String) -> String {
        Hex.encode(hasher.hash("throttle:" + subject))
    }
}
