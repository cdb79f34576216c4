import Testing
import WritCore
import WritCrypto

/// Registrations from a software Ed25519 authenticator, for the cases the published vectors lack.
@Suite("Passkeys: registration checks", .timeLimit(.minutes(1)))
struct PasskeyRegistrationTests {
    let authenticator = SoftAuthenticator()
    let challenge: [UInt8] = Array(repeating: 9, count: 32)

    var clientData: [UInt8] { SoftAuthenticator.clientData(type: "webauthn.create", challenge: challenge) }

    func register(_ attestationObject: [UInt8]) throws -> RegisteredPasskey {
        try PasskeyRegistration.verify(
            attestationObject: attestationObject, clientDataJSON: clientData, expectedChallenge: challenge,
            expectedOrigins: [SoftAuthenticator.origin, "https://other.example"], rpID: SoftAuthenticator.rpID,
            requireUserVerification: true)
    }

    func none(_ authData: [UInt8]) -> [UInt8] { SoftAuthenticator.attestationObject(format: "none", authData: authData) }

    @Test("attestation none with an Ed25519 credential registers")
    func unattested() throws {
        let passkey = try register(none(authenticator.authenticatorData(signCount: 3, attested: true)))
        #expect(passkey.algorithm == .edDSA)
        #expect(passkey.credentialID == authenticator.credentialID)
        #expect(passkey.publicKey.bytes == authenticator.coseKey)
        #expect(passkey.signCount == 3)
        #expect(passkey.aaguid == [UInt8](repeating: 0, count: 16))
        #expect(passkey.attestation == .unattested && passkey.userVerified && !passkey.backupEligible)
    }

    @Test("packed self attestation is verified with the credential's own key and algorithm")
    func packedSelf() throws {
        let authData = authenticator.authenticatorData(attested: true)
        let signature = try authenticator.sign(authData, clientData)
        func packed(alg: Int, signature: [UInt8]) -> [UInt8] {
            SoftAuthenticator.attestationObject(
                format: "packed", statement: SoftAuthenticator.packedStatement(alg: alg, signature: signature), authData: authData)
        }
        #expect(try register(packed(alg: -8, signature: signature)).attestation == .selfAttested)
        #expect(throws: PasskeyError.attestationInvalid) { try register(packed(alg: -7, signature: signature)) }
        var flipped = signature
        flipped[3] ^= 0x01
        #expect(throws: PasskeyError.attestationInvalid) { try register(packed(alg: -8, signature: flipped)) }
        let mapOfThree: [UInt8] = [0xa3]
        let withCertificate =
            mapOfThree + SoftAuthenticator.text("alg") + [0x27] + SoftAuthenticator.text("sig") + SoftAuthenticator.head(2, 64) + signature
            + SoftAuthenticator.text("x5c") + [0x81, 0x41, 0x00]
        let certified = SoftAuthenticator.attestationObject(format: "packed", statement: withCertificate, authData: authData)
        #expect(throws: PasskeyError.unsupportedAttestation) { try register(certified) }
    }

    @Test("other formats are refused by name", arguments: ["tpm", "android-key", "fido-u2f", "apple", "android-safetynet", "None", ""])
    func otherFormats(format: String) throws {
        let object = SoftAuthenticator.attestationObject(format: format, authData: authenticator.authenticatorData(attested: true))
        let error = #expect(throws: PasskeyError.unsupportedAttestation) { try register(object) }
        #expect(error?.description.contains("\"\(format)\"") == true)
    }

    @Test("the attestation object and the credential data are checked")
    func malformed() throws {
        let authData = authenticator.authenticatorData(attested: true)
        #expect(throws: PasskeyError.missingCredential) { try register(none(authenticator.authenticatorData())) }
        #expect(throws: PasskeyError.userNotPresent) {
            try register(none(authenticator.authenticatorData(flags: [.userVerified], attested: true)))
        }
        #expect(throws: PasskeyError.userNotVerified) {
            try register(none(authenticator.authenticatorData(flags: [.userPresent], attested: true)))
        }
        let mapOfOne: [UInt8] = [0xa1]
        let statement = mapOfOne + SoftAuthenticator.text("sig") + [0x40]
        #expect(throws: PasskeyError.malformedAttestationObject) {
            try register(SoftAuthenticator.attestationObject(format: "none", statement: statement, authData: authData))
        }
        let extra = SoftAuthenticator.text("epAtt") + [0xf5]
        #expect(throws: PasskeyError.malformedAttestationObject) {
            try register(SoftAuthenticator.attestationObject(format: "none", authData: authData, extra: extra))
        }
        #expect(throws: PasskeyError.malformedAttestationObject) { try register([0x80]) }
        #expect(throws: PasskeyError.malformedCBOR) { try register([]) }
        #expect(throws: PasskeyError.malformedCBOR) { try register(none(authData) + [0x00]) }
        #expect(throws: PasskeyError.malformedCBOR) { try register(none(Array(authData.dropLast(33)))) }
        #expect(throws: PasskeyError.malformedAuthenticatorData) { try register(none(Array(authData.dropLast(42)))) }
        #expect(throws: PasskeyError.malformedAuthenticatorData) { try register(none(authData + [0x00])) }
        for length in [0, 1024] {
            var soft = SoftAuthenticator()
            soft.credentialID = [UInt8](repeating: 1, count: length)
            #expect(throws: PasskeyError.malformedAuthenticatorData) { try register(none(soft.authenticatorData(attested: true))) }
        }
        // A credential id length that runs past the end of the data.
        var overlong = authData
        overlong[37 + 17] = 0xff
        #expect(throws: PasskeyError.malformedAuthenticatorData) { try register(none(overlong)) }
    }
}
