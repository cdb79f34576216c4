/// A risk tier, ordered from least to most strict.
public enum Tier: String, Sendable, CaseIterable, Comparable, Codable {
    /// Auto-approved.
    case t0 = "T0"
    /// One operator approves.
    case t1 = "T1"
    /// Several distinct approvers with MFA.
    case t2 = "T2"
    /// A board quorum.
    case t3 = "T3"

    public static func < (lhs: Tier, rhs: Tier) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// What a rule does when it matches.
public enum RuleEffect: Sendable, Equatable, Comparable {
    /// Require at least this tier.
    case tier(Tier)
    /// Refuse outright; strictest of all.
    case deny

    public static func < (lhs: RuleEffect, rhs: RuleEffect) -> Bool {
        switch (lhs, rhs) {
        case (.tier(let left), .tier(let right)): left < right
        case (.tier, .deny): true
        case (.deny, _): false
        }
    }
}

/// Durations in policies: a whole number and a unit, `30s`, `5m`, `24h`, `7d`.
public enum PolicyDuration {
    /// Seconds in `text`, or `nil` when it does not parse or is zero.
    public static func seconds(_ text: String) -> Int? {
        guard let unit = text.last, let number = Int(text.dropLast()), number > 0, text.first?.isNumber == true else { return nil }
        let multiplier: Int
        switch unit {
        case "s": multiplier = 1
        case "m": multiplier = 60
        case "h": multiplier = 3600
        case "d": multiplier = 86_400
        default: return nil
        }
        let (seconds, overflow) = number.multipliedReportingOverflow(by: multiplier)
        return overflow || seconds > 366 * 86_400 ? nil : seconds
    }
}
