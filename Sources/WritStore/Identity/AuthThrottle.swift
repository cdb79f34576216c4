import Foundation
import Postgres
import WritCore
import WritCrypto

/// Throttles credential checks per subject (an account from an address, an address, a person's
/// second factor) in the database, so every node sees the same counts.
///
/// An attempt is *reserved* before the credential is checked: one atomic upsert counts it and
/// refuses it while the subject waits out a delay. Sixty concurrent guesses therefore meet the
/// count one by one instead of all reading the same old count. Subject keys are HMACs, never raw
/// emails or addresses.
public struct AuthThrottle: Sendable {
    let database: Database
    let hasher: KeyedHasher

    public init(database: Database, keys: KeyRing) {
        self.database = database
        self.hasher = keys.hasher
    }

    /// Reserves one attempt on every subject at once; `nil` when all admit it, else the seconds to
    /// wait (and nothing is counted).
    public func reserve(_ subjects: [(ThrottleRule, String)]) async throws -> Int? {
        do {
            try await database.pool.transaction { tx in
                for (rule, subject) in subjects {
                    if let wait = try await reserve(rule, key(rule, subject), in: tx) { throw Throttled(seconds: wait) }
                }
            }
            return nil
        } catch let throttled as Throttled {
            return throttled.seconds
        }
    }

    /// Records that the reserved attempts failed: each subject's delay starts again from now, so a
    /// slow check (Argon2 on a busy machine) does not eat into the wait it earned.
    public func failed(_ subjects: [(ThrottleRule, String)]) async throws {
        for (rule, subject) in subjects {
            try await database.pool.query(
                """
                UPDATE auth_throttle SET blocked_until = greatest(coalesce(blocked_until, now()), now() + make_interval(secs => least(\(rule.cap)::float8,
                    CASE WHEN failures >= \(rule.free)::int
                         THEN \(rule.base)::float8 * power(2::float8, least(failures - \(rule.free)::int, 30)) ELSE 0 END)))
                WHERE subject = \(key(rule, subject))
                """)
        }
    }

    /// Records that the reserved attempts succeeded, as each rule says.
    public func succeeded(_ subjects: [(ThrottleRule, String)]) async throws {
        for (rule, subject) in subjects {
            let key = key(rule, subject)
            switch rule.onSuccess {
            case .keep: continue
            case .reset: try await database.pool.query("DELETE FROM auth_throttle WHERE subject = \(key)")
            case .refund:
                try await database.pool.query(
                    """
                    UPDATE auth_throttle SET failures = greatest(failures - 1, 0),
                        blocked_until = CASE WHEN failures - 1 < \(rule.free)::int THEN NULL ELSE blocked_until END
                    WHERE subject = \(key)
                    """)
            }
        }
    }

    private struct Throttled: Error {
        let seconds: Int
    }

    private func reserve(_ rule: ThrottleRule, _ key: String, in tx: Transaction) async throws -> Int? {
        // The attempt counts at once; the delay it earns applies to the attempt after it.
        let attempts: SQL = """
            (CASE WHEN t.window_start > now() - make_interval(secs => \(rule.window)::float8) THEN t.failures + 1 ELSE 1 END)
            """
        let admitted = try await tx.execute(
            """
            INSERT INTO auth_throttle AS t (subject, failures, window_start, blocked_until)
            VALUES (\(key), 1, now(), now() + make_interval(secs => \(rule.delay(after: 1))::float8))
            ON CONFLICT (subject) DO UPDATE SET
                failures = \(attempts),
                window_start = CASE WHEN t.window_start > now() - make_interval(secs => \(rule.window)::float8) THEN t.window_start ELSE now() END,
                blocked_until = now() + make_interval(secs => least(\(rule.cap)::float8,
                    CASE WHEN \(attempts) >= \(rule.free)::int
                         THEN \(rule.base)::float8 * power(2::float8, least(\(attempts) - \(rule.free)::int, 30)) ELSE 0 END))
            WHERE t.blocked_until IS NULL OR t.blocked_until <= now()
            RETURNING failures
            """)
        guard admitted.isEmpty else { return nil }
        let rows = try await tx.execute(
            """
            SELECT greatest(1, ceil(extract(epoch FROM blocked_until - now())))::int AS wait FROM auth_throttle WHERE subject = \(key)
            """)
        return try rows.first?.decode(Int.self, "wait") ?? 1
    }

    private func key(_ rule: ThrottleRule, _ subject: String) -> String {
        Hex.encode(hasher.hash("throttle:\(rule.name):\(subject)"))
    }
}
