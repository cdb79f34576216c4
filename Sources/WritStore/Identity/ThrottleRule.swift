import Foundation

/// How attempts on one kind of subject are throttled: `free` attempts per window go at once, then
/// each further attempt must wait `base` seconds after the one before, doubled per attempt, up to
/// `cap` (a rule whose `base` equals its window is a plain limit per window).
///
/// Attempts are counted when they are *reserved*, before the credential is checked, so concurrent
/// guesses cannot all slip past the count.
public struct ThrottleRule: Sendable {
    /// What the subject is; part of its stored (hashed) key.
    public let name: String
    /// Attempts allowed per window before delays start.
    public let free: Int
    /// The first delay, in seconds; each later attempt doubles it.
    public let base: TimeInterval
    /// The longest delay, in seconds.
    public let cap: TimeInterval
    /// How long counts live after the window's first attempt.
    public let window: TimeInterval
    /// What a success does: forget the subject's attempts, or give back only its own.
    public let onSuccess: Success

    /// What a successful attempt does to the count.
    public enum Success: Sendable {
        /// Forget every attempt (the subject proved itself, e.g. one account from one address).
        case reset
        /// Give back the one attempt just reserved (a shared subject, e.g. an address behind NAT).
        case refund
        /// Keep it: every attempt counts (e.g. sign-ups per address).
        case keep
    }

    public init(name: String, free: Int, base: TimeInterval, cap: TimeInterval, window: TimeInterval, onSuccess: Success) {
        self.name = name
        self.free = free
        self.base = base
        self.cap = cap
        self.window = window
        self.onSuccess = onSuccess
    }

    /// One account from one client address: three free tries, then 2 s, 4 s, 8 s … up to 15 min.
    /// Keyed by address too, so a stranger's wrong guesses never lock the real user out.
    public static let loginPair = ThrottleRule(name: "login-pair", free: 3, base: 2, cap: 900, window: 3600, onSuccess: .reset)
    /// One account from anywhere (a distributed guesser): twenty tries, then growing delays of at
    /// most a minute, so the real user is slowed at worst by a minute, never locked out.
    public static let loginAccount = ThrottleRule(name: "login-account", free: 20, base: 1, cap: 60, window: 900, onSuccess: .refund)
    /// One client address across accounts: thirty failures per 15 minutes, then 15 minutes' wait.
    public static let loginSource = ThrottleRule(name: "login-source", free: 30, base: 900, cap: 900, window: 900, onSuccess: .refund)
    /// Sign-ups from one client address: ten an hour.
    public static let signupSource = ThrottleRule(name: "signup-source", free: 10, base: 3600, cap: 3600, window: 3600, onSuccess: .keep)
    /// Invitation or link tokens tried from one client address: ten misses, then growing delays.
    public static let tokenSource = ThrottleRule(name: "token-source", free: 10, base: 2, cap: 900, window: 900, onSuccess: .refund)
    /// TOTP and recovery codes of one person: five wrong codes, then 30 s, 60 s … up to 15 min.
    public static let secondFactor = ThrottleRule(name: "totp", free: 5, base: 30, cap: 900, window: 900, onSuccess: .reset)

    /// Seconds the attempt after `attempts` must wait: nothing while the next one is still free.
    func delay(after attempts: Int) -> TimeInterval {
        guard attempts >= free else { return 0 }
        return min(cap, base * pow(2, Double(min(attempts - free, 30))))
    }
}
