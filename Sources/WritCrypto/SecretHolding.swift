/// A value that holds a secret (key bytes, a password): it describes and reflects itself without
/// it, so a log line, a service listing at `trace` or a `dump` never shows the secret.
public protocol SecretHolding: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {}

extension SecretHolding {
    public var description: String { "\(Self.self)(<redacted>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["secret": "<redacted>"], displayStyle: .struct) }
}
