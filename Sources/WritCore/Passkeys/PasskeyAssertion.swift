/// Verifies a passkey assertion (WebAuthn §7.2, "Verifying an Authentication Assertion").
public enum PasskeyAssertion {
    /// The outcome of a verified assertion: what to store back on the credential.
    public struct Verified: Sendable, Equatable {
        /// The new signature counter to store.
        public let signCount: UInt32
        /// Whether the authenticator verified the person.
        public let userVerified: Bool
        /// Whether the credential is backed up now.
        public let backedUp: Bool
    }

    /// Checks an assertion made with the credential whose public key is `credentialPublicKey`.
    ///
    /// Verified: the client data's type is `webauthn.get`, its challenge is `expectedChallenge`,
    /// its origin is one of `expectedOrigins` and it was not in a cross-origin frame; the
    /// authenticator data's RP ID hash is SHA-256 of `rpID`; user presence, and user verification
    /// when `requireUserVerification`; the signature over `authenticatorData || SHA-256(clientDataJSON)`;
    /// and the counter: when it or `storedSignCount` is non-zero, it must exceed `storedSignCount`
    /// (otherwise the authenticator may have been cloned, and the assertion is refused).
    public static func verify(
        credentialPublicKey: COSEKey,
        authenticatorData: some Collection<UInt8>,
        clientDataJSON: some Collection<UInt8>,
        signature: some Collection<UInt8>,
        expectedChallenge: [UInt8],
        expectedOrigins: Set<String>,
        rpID: String,
        requireUserVerification: Bool,
        storedSignCount: UInt32
    ) throws(PasskeyError) -> Verified {
        let clientData = try ClientData(json: clientDataJSON)
        try PasskeyCeremony.check(clientData, type: .get, challenge: expectedChallenge, origins: expectedOrigins)
        let data = try AuthenticatorData(bytes: authenticatorData)
        try PasskeyCeremony.check(data, rpID: rpID, requireUserVerification: requireUserVerification)
        guard credentialPublicKey.isValidSignature(Array(signature), for: data.bytes + clientData.hash) else {
            throw .signatureInvalid
        }
        if data.signCount != 0 || storedSignCount != 0, data.signCount <= storedSignCount {
            throw .signCountNotIncreasing.detailed("stored \(storedSignCount), received \(data.signCount)")
        }
        return Verified(
            signCount: data.signCount,
            userVerified: data.flags.contains(.userVerified),
            backedUp: data.flags.contains(.backedUp)
        )
    }
}
