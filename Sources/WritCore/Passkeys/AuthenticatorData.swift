/// Authenticator data (WebAuthn §6.1): the RP ID hash, flags, signature counter and, when the
/// flags say so, attested credential data and extensions. Every length is checked against the input.
public struct AuthenticatorData: Sendable, Equatable {
    /// The length of the fixed part: RP ID hash (32), flags (1) and counter (4).
    public static let fixedLength = 37

    /// The bytes as received; an assertion's signature covers them.
    public let bytes: [UInt8]
    /// SHA-256 of the RP ID the credential is scoped to.
    public let rpIDHash: [UInt8]
    /// The flags.
    public let flags: AuthenticatorFlags
    /// The signature counter (0 when the authenticator keeps none).
    public let signCount: UInt32
    /// The attested credential data, present when the AT flag is.
    public let attestedCredential: AttestedCredential?
    /// The extension outputs, a CBOR map, present when the ED flag is.
    public let extensions: CBORValue?

    /// Parses `bytes`; a length beyond the input, a flag without its data or data after the end is an error.
    public init(bytes: some Collection<UInt8>) throws(PasskeyError) {
        let bytes = Array(bytes)
        guard bytes.count >= Self.fixedLength else {
            throw .malformedAuthenticatorData.detailed("\(bytes.count) bytes, at least \(Self.fixedLength) needed")
        }
        self.bytes = bytes
        self.rpIDHash = Array(bytes[0..<32])
        self.flags = AuthenticatorFlags(rawValue: bytes[32])
        self.signCount = bytes[33..<37].reduce(0) { $0 << 8 | UInt32($1) }
        var index = Self.fixedLength
        if flags.contains(.attestedCredentialData) {
            let (credential, end) = try AttestedCredential.read(from: bytes, at: index)
            self.attestedCredential = credential
            index = end
        } else {
            self.attestedCredential = nil
        }
        if flags.contains(.extensionData) {
            let (extensions, end) = try CBORDecoder.decodePrefix(of: bytes, from: index)
            guard extensions.mapValue != nil else { throw .malformedAuthenticatorData.detailed("extension data is not a map") }
            self.extensions = extensions
            index = end
        } else {
            self.extensions = nil
        }
        guard index == bytes.count else {
            throw .malformedAuthenticatorData.detailed("\(bytes.count - index) bytes that no flag accounts for")
        }
    }
}
