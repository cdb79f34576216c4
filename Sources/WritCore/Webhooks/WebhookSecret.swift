import Foundation
import WritCrypto

/// An endpoint's signing secret in the Standard Webhooks form `whsec_<base64 of 32 random bytes>`.
/// Shown to the admin when made; stored only sealed.
public struct WebhookSecret: Sendable, Equatable, SecretHolding {
    /// The HMAC key: the decoded part after the prefix.
    public let key: [UInt8]

    public static let prefix = "whsec_"

    public init(key: [UInt8]) {
        self.key = key
    }

    /// Parses `whsec_…`; `nil` unless it decodes to 24 to 64 bytes.
    public init?(text: String) {
        guard text.hasPrefix(Self.prefix), let key = Data(base64Encoded: String(text.dropFirst(Self.prefix.count))),
            (24...64).contains(key.count)
        else { return nil }
        self.key = Array(key)
    }

    /// A new random secret.
    public static func generate() -> WebhookSecret { WebhookSecret(key: SecureRandom.bytes(32)) }

    /// The secret as the admin copies it into the receiver.
    public var text: String { Self.prefix + Data(key).base64EncodedString() }
}
