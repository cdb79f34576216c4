/// The flags byte of authenticator data (WebAuthn §6.1); bits 0x02 and 0x20 are reserved.
public struct AuthenticatorFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8

    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// UP: a person touched or otherwise acknowledged the authenticator.
    public static let userPresent = AuthenticatorFlags(rawValue: 0x01)
    /// UV: the authenticator verified the person (PIN, biometrics).
    public static let userVerified = AuthenticatorFlags(rawValue: 0x04)
    /// BE: the credential may be backed up (a synced passkey); fixed at registration.
    public static let backupEligible = AuthenticatorFlags(rawValue: 0x08)
    /// BS: the credential is backed up now.
    public static let backedUp = AuthenticatorFlags(rawValue: 0x10)
    /// AT: attested credential data follows the signature counter.
    public static let attestedCredentialData = AuthenticatorFlags(rawValue: 0x40)
    /// ED: extension data (a CBOR map) ends the authenticator data.
    public static let extensionData = AuthenticatorFlags(rawValue: 0x80)
}
