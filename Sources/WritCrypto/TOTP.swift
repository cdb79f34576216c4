import Foundation

/// Time-based one-time passwords (RFC 6238): HMAC-SHA-1, 6 digits, 30-second steps.
public struct TOTP: Sendable, SecretHolding {
    /// The shared secret (160 bits when generated here).
    public let secret: [UInt8]
    /// Seconds per step.
    public static let period: Int64 = 30
    /// Digits per code.
    public static let digits = 6

    public init(secret: [UInt8]) {
        self.secret = secret
    }

    /// A new random 160-bit secret.
    public static func generate() -> TOTP {
        TOTP(secret: SecureRandom.bytes(20))
    }

    /// The time step that contains `date`.
    public static func step(at date: Date) -> Int64 {
        Int64(floor(date.timeIntervalSince1970)) / period
    }

    /// The code for a time step (RFC 4226 §5.3 dynamic truncation).
    public func code(forStep step: Int64) -> String {
        var counter = UInt64(bitPattern: step).bigEndian
        let message = withUnsafeBytes(of: &counter) { Array($0) }
        let mac = HMACSHA1.authenticate(message, key: secret)
        let offset = Int(mac[mac.count - 1] & 0x0f)
        let binary =
            (UInt32(mac[offset] & 0x7f) << 24) | (UInt32(mac[offset + 1]) << 16)
            | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        let value = binary % 1_000_000
        let text = String(value)
        return String(repeating: "0", count: Self.digits - text.count) + text
    }

    /// The step whose code is `code`, trying the current step and one step either side; `nil` if none.
    ///
    /// Callers must refuse a step at or before the last one accepted, so a code works once only.
    public func matchingStep(for code: String, at date: Date) -> Int64? {
        guard code.count == Self.digits, code.allSatisfy(\.isASCII), code.allSatisfy(\.isNumber) else { return nil }
        let current = Self.step(at: date)
        for step in [current - 1, current, current + 1] where ConstantTime.equals(Array(self.code(forStep: step).utf8), Array(code.utf8)) {
            return step
        }
        return nil
    }

    /// The `otpauth://totp/…` provisioning URI for authenticator apps.
    public func provisioningURI(issuer: String, account: String) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~@"))
        let label =
            "\(issuer):\(account)".addingPercentEncoding(withAllowedCharacters: allowed.union(CharacterSet(charactersIn: ":"))) ?? account
        let issuerParameter = issuer.addingPercentEncoding(withAllowedCharacters: allowed) ?? issuer
        return "otpauth://totp/\(label)?secret=\(Base32.encode(secret))&issuer=\(issuerParameter)&algorithm=SHA1&digits=6&period=30"
    }
}
