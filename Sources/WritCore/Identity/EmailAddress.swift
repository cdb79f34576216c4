import Foundation

/// An email address as Writ accepts it: trimmed, Unicode-normalized (NFC), lower-cased for
/// comparison, one `@`, no spaces and no invisible characters (so two addresses that look the
/// same are the same).
public struct EmailAddress: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The address as given (trimmed).
    public let value: String

    /// `nil` when the text does not look like an address.
    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces).precomposedStringWithCanonicalMapping
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        guard (3...254).contains(trimmed.count), parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
            !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
            trimmed.unicodeScalars.allSatisfy({
                $0.value > 0x20 && VisibleText.isVisible($0) && !"<>()[],;:\\\"".unicodeScalars.contains($0)
            })
        else { return nil }
        self.value = trimmed
    }

    /// The form used for uniqueness and lookup.
    public var normalized: String { value.lowercased() }

    public var description: String { value }
}
