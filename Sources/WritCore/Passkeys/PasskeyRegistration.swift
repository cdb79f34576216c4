/// Verifies a passkey registration (WebAuthn §7.1, "Registering a New Credential").
public enum PasskeyRegistration {
    /// Checks a registration response and returns the credential to store.
    ///
    /// Verified: the client data's type is `webauthn.create`, its challenge is `expectedChallenge`,
    /// its origin is one of `expectedOrigins` and it was not in a cross-origin frame; the
    /// authenticator data's RP ID hash is SHA-256 of `rpID`; user presence, and user verification
    /// when `requireUserVerification`; attested credential data with an ES256, EdDSA or RS256 key;
    /// attestation `none` or self-attested `packed`. Whether the credential id is already
    /// registered is the caller's check.
    public static func verify(
        attestationObject: some Collection<UInt8>,
        clientDataJSON: some Collection<UInt8>,
        expectedChallenge: [UInt8],
        expectedOrigins: Set<String>,
        rpID: String,
        requireUserVerification: Bool
    ) throws(PasskeyError) -> RegisteredPasskey {
        let clientData = try ClientData(json: clientDataJSON)
        try PasskeyCeremony.check(clientData, type: .create, challenge: expectedChallenge, origins: expectedOrigins)
        let object = try AttestationObject(bytes: attestationObject)
        let data = object.authenticatorData
        try PasskeyCeremony.check(data, rpID: rpID, requireUserVerification: requireUserVerification)
        guard let credential = data.attestedCredential else { throw .missingCredential }
        let attestation = try object.verifyStatement(credential: credential, clientDataHash: clientData.hash)
        return RegisteredPasskey(
            credentialID: credential.id,
            publicKey: credential.publicKey,
            signCount: data.signCount,
            aaguid: credential.aaguid,
            attestation: attestation,
            userVerified: data.flags.contains(.userVerified),
            backupEligible: data.flags.contains(.backupEligible),
            backedUp: data.flags.contains(.backedUp)
        )
    }
}
