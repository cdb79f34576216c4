import Testing
import WritCore
import WritCrypto

/// Assertions signed by a software Ed25519 authenticator, for the cases the published vectors lack.
@Suite("Passkeys: assertion checks", .timeLimit(.minutes(1)))
struct PasskeyAssertionTests {
    let authenticator = SoftAuthenticator()
    let challenge: [UInt8] = Array(repeating: 7, count: 32)

    func verify(
        authenticatorData: [UInt8], clientData: [UInt8]? = nil, requireUserVerification: Bool = true, storedSignCount: UInt32 = 0
    ) throws -> PasskeyAssertion.Verified {
        let clientData = clientData ?? SoftAuthenticator.clientData(challenge: challenge)
        return try PasskeyAssertion.verify(
            credentialPublicKey: COSEKey(bytes: authenticator.coseKey), authenticatorData: authenticatorData, clientDataJSON: clientData,
            signature: authenticator.sign(authenticatorData, clientData), expectedChallenge: challenge,
            expectedOrigins: [SoftAuthenticator.origin], rpID: SoftAuthenticator.rpID, requireUserVerification: requireUserVerification,
            storedSignCount: storedSignCount)
    }

    @Test(
        "the counter must increase whenever it or the stored one is non-zero",
        arguments: [
            (UInt32(0), UInt32(0), true), (0, 1, true), (4, 5, true), (5, 5, false), (5, 4, false), (5, 0, false),
            (UInt32.max - 1, UInt32.max, true), (UInt32.max, UInt32.max, false),
        ])
    func signCount(stored: UInt32, received: UInt32, accepted: Bool) throws {
        let data = authenticator.authenticatorData(signCount: received)
        if accepted {
            #expect(try verify(authenticatorData: data, storedSignCount: stored).signCount == received)
        } else {
            #expect(throws: PasskeyError.signCountNotIncreasing) { try verify(authenticatorData: data, storedSignCount: stored) }
        }
    }

    @Test("signed flags still have to say the user was present, and verified when required")
    func flags() throws {
        #expect(throws: PasskeyError.userNotPresent) {
            try verify(authenticatorData: authenticator.authenticatorData(flags: [.userVerified]))
        }
        let presentOnly = authenticator.authenticatorData(flags: [.userPresent])
        #expect(throws: PasskeyError.userNotVerified) { try verify(authenticatorData: presentOnly) }
        #expect(try verify(authenticatorData: presentOnly, requireUserVerification: false).userVerified == false)
        #expect(try verify(authenticatorData: authenticator.authenticatorData()).userVerified)
        let backedUp = authenticator.authenticatorData(flags: [.userPresent, .userVerified, .backupEligible, .backedUp])
        #expect(try verify(authenticatorData: backedUp).backedUp)
        let inconsistent = authenticator.authenticatorData(flags: [.userPresent, .userVerified, .backedUp])
        #expect(throws: PasskeyError.backupStateInconsistent) { try verify(authenticatorData: inconsistent) }
    }

    @Test("extension data must be one CBOR map and nothing may follow it")
    func extensions() throws {
        let flags: AuthenticatorFlags = [.userPresent, .userVerified, .extensionData]
        #expect(try verify(authenticatorData: authenticator.authenticatorData(flags: flags, extensions: [0xa0])).signCount == 0)
        let credProtect: [UInt8] = [0xa1] + SoftAuthenticator.text("credProtect") + [0x02]
        #expect(try verify(authenticatorData: authenticator.authenticatorData(flags: flags, extensions: credProtect)).signCount == 0)
        #expect(throws: PasskeyError.malformedCBOR) { try verify(authenticatorData: authenticator.authenticatorData(flags: flags)) }
        #expect(throws: PasskeyError.malformedAuthenticatorData) {
            try verify(authenticatorData: authenticator.authenticatorData(flags: flags, extensions: [0x01]))
        }
        #expect(throws: PasskeyError.malformedAuthenticatorData) {
            try verify(authenticatorData: authenticator.authenticatorData(flags: flags, extensions: [0xa0, 0x00]))
        }
        #expect(throws: PasskeyError.malformedAuthenticatorData) {
            try verify(authenticatorData: authenticator.authenticatorData(extensions: [0xa0]))
        }
        #expect(throws: PasskeyError.malformedAuthenticatorData) {
            try verify(authenticatorData: authenticator.authenticatorData(flags: [.userPresent, .attestedCredentialData]))
        }
    }

    @Test("client data: cross-origin frames, wrong types and malformed members are refused")
    func clientData() throws {
        let data = authenticator.authenticatorData()
        func refused(_ clientData: String) -> PasskeyError? {
            return #expect(throws: PasskeyError.self) { try verify(authenticatorData: data, clientData: Array(clientData.utf8)) }
        }
        let encoded = Base64URL.encode(challenge)
        let origin = SoftAuthenticator.origin
        let good = SoftAuthenticator.clientData(challenge: self.challenge, extra: #","crossOrigin":false,"future":{"x":[1]}"#)
        #expect(try verify(authenticatorData: data, clientData: good).signCount == 0)
        let cross = #"{"type":"webauthn.get","challenge":"\#(encoded)","origin":"\#(origin)","crossOrigin":true}"#
        #expect(refused(cross) == .crossOrigin)
        #expect(
            refused(#"{"type":"webauthn.get","challenge":"\#(encoded)","origin":"\#(origin)","crossOrigin":1}"#) == .malformedClientData)
        #expect(refused(#"{"type":"webauthn.get","origin":"\#(origin)"}"#) == .malformedClientData)
        #expect(refused(#"{"type":"webauthn.get","challenge":"a+b/","origin":"\#(origin)"}"#) == .malformedClientData)
        #expect(refused(#"{"type":"webauthn.get","challenge":"\#(encoded)"}"#) == .malformedClientData)
        #expect(refused(#"{"type":"payment.get","challenge":"\#(encoded)","origin":"\#(origin)"}"#) == .wrongType)
        #expect(refused(#"{"type":"webauthn.get","challenge":"\#(encoded)","origin":"http://writ.example"}"#) == .originNotAllowed)
        #expect(refused(#"["webauthn.get"]"#) == .malformedClientData)
        #expect(
            refused(#"{"type":"webauthn.get","type":"webauthn.get","challenge":"\#(encoded)","origin":"\#(origin)"}"#)
                == .malformedClientData)
        #expect(refused("") == .malformedClientData)
    }
}
