import Testing
import WritCore
import WritCrypto

/// Registration and authentication against the W3C WebAuthn Level 3 test vectors.
@Suite("Passkeys: W3C WebAuthn test vectors", .timeLimit(.minutes(3)))
struct PasskeyVectorTests {
    @Test("none.ES256 registers and its assertion verifies")
    func noneES256() throws {
        let vector = try WebAuthnVector.named("none.ES256")
        let passkey = try vector.register()
        #expect(passkey.credentialID == vector.credentialID)
        #expect(passkey.aaguid == vector.aaguid)
        #expect(passkey.algorithm == .es256)
        #expect(passkey.attestation == .unattested)
        #expect(passkey.signCount == 0)
        #expect(passkey.backupEligible && passkey.backedUp && !passkey.userVerified)
        // What is stored is the key's CBOR exactly as sent, and it reads back as the same key.
        #expect(try COSEKey(bytes: passkey.publicKey.bytes) == passkey.publicKey)
        let verified = try vector.authenticate(key: COSEKey(bytes: passkey.publicKey.bytes))
        #expect(verified.signCount == 0 && !verified.userVerified && verified.backedUp)
    }

    @Test("packed self attestation (ES256) registers with user verification and its assertion verifies")
    func packedSelfES256() throws {
        let vector = try WebAuthnVector.named("packed-self.ES256")
        let passkey = try vector.register(requireUserVerification: true)
        #expect(passkey.attestation == .selfAttested)
        #expect(passkey.userVerified)
        #expect(passkey.credentialID == vector.credentialID)
        #expect(try vector.authenticate(key: passkey.publicKey).signCount == 0)
        // A self attestation whose signature does not verify is refused.
        var tampered = vector.attestationObject
        let signatureStart = try #require(tampered.firstRange(of: [0x63, 0x73, 0x69, 0x67, 0x58, 0x46])).upperBound
        tampered[signatureStart + 10] ^= 0x01
        #expect(throws: PasskeyError.attestationInvalid) { try vector.register(attestationObject: tampered) }
    }

    @Test("a credential id of 1,023 bytes registers and authenticates")
    func longCredentialID() throws {
        let vector = try WebAuthnVector.named("none.ES256.long-credential-id")
        let passkey = try vector.register()
        #expect(passkey.credentialID.count == AttestedCredential.maxIDLength)
        #expect(passkey.credentialID == vector.credentialID)
        #expect(try vector.authenticate(key: passkey.publicKey).signCount == 0)
    }

    @Test(
        "packed attestation with a certificate is refused by name; its RS256 and EdDSA assertions verify",
        arguments: ["packed.RS256", "packed.EdDSA"])
    func packedWithCertificate(name: String) throws {
        let vector = try WebAuthnVector.named(name)
        #expect(throws: PasskeyError.unsupportedAttestation) { try vector.register() }
        let key = try vector.credentialKey()
        #expect(key.algorithm == (name == "packed.RS256" ? .rs256 : .edDSA))
        #expect(try vector.registrationAuthenticatorData().attestedCredential?.id == vector.credentialID)
        #expect(try vector.authenticate(key: key).signCount == 0)
    }

    @Test("an ES384 credential is refused as an unsupported key, naming its algorithm")
    func es384() throws {
        let vector = try WebAuthnVector.named("packed.ES384")
        let error = #expect(throws: PasskeyError.unsupportedKey) { try vector.register() }
        #expect(error?.description.contains("-35") == true)
    }

    @Test("a ceremony in a cross-origin frame is refused")
    func crossOrigin() throws {
        let vector = try WebAuthnVector.named("none.ES256.crossOrigin")
        #expect(throws: PasskeyError.crossOrigin) { try vector.register() }
        let key = try vector.credentialKey()
        #expect(throws: PasskeyError.crossOrigin) { try vector.authenticate(key: key) }
    }

    @Test("registration refuses a wrong origin, RP ID, challenge or type, a missing UP or a required UV")
    func registrationRefusals() throws {
        let vector = try WebAuthnVector.named("none.ES256")
        #expect(throws: PasskeyError.originNotAllowed) { try vector.register(origins: ["https://example.com"]) }
        #expect(throws: PasskeyError.originNotAllowed) { try vector.register(origins: []) }
        #expect(throws: PasskeyError.rpIDMismatch) { try vector.register(rpID: "example.com") }
        #expect(throws: PasskeyError.challengeMismatch) { try vector.register(challenge: vector.authenticationChallenge) }
        #expect(throws: PasskeyError.challengeMismatch) { try vector.register(challenge: []) }
        #expect(throws: PasskeyError.wrongType) { try vector.register(clientData: vector.authenticationClientData) }
        #expect(throws: PasskeyError.userNotVerified) { try vector.register(requireUserVerification: true) }
        // The flags byte follows the 32-byte RP ID hash inside the attestation object.
        var withoutPresence = vector.attestationObject
        let hashStart = try #require(withoutPresence.firstRange(of: SHA256.hash(Array(WebAuthnVector.rpID.utf8)))).lowerBound
        withoutPresence[hashStart + 32] &= ~AuthenticatorFlags.userPresent.rawValue
        #expect(throws: PasskeyError.userNotPresent) { try vector.register(attestationObject: withoutPresence) }
        var truncated = vector.attestationObject
        truncated.removeLast()
        #expect(throws: PasskeyError.malformedCBOR) { try vector.register(attestationObject: truncated) }
    }

    @Test(
        "assertions are refused for a changed signature, origin, RP ID, challenge, type, flags or counter",
        arguments: ["none.ES256", "packed-self.ES256", "packed.RS256", "packed.EdDSA"])
    func assertionRefusals(name: String) throws {
        let vector = try WebAuthnVector.named(name)
        let key = try vector.credentialKey()
        for index in [0, vector.signature.count / 2, vector.signature.count - 1] {
            var flipped = vector.signature
            flipped[index] ^= 0x01
            #expect(throws: PasskeyError.signatureInvalid) { try vector.authenticate(key: key, signature: flipped) }
        }
        #expect(throws: PasskeyError.signatureInvalid) { try vector.authenticate(key: key, signature: []) }
        #expect(throws: PasskeyError.originNotAllowed) { try vector.authenticate(key: key, origins: ["https://example.org:8443"]) }
        #expect(throws: PasskeyError.rpIDMismatch) { try vector.authenticate(key: key, rpID: "evil.example.org") }
        #expect(throws: PasskeyError.challengeMismatch) { try vector.authenticate(key: key, challenge: vector.registrationChallenge) }
        #expect(throws: PasskeyError.wrongType) { try vector.authenticate(key: key, clientData: vector.registrationClientData) }
        var withoutPresence = vector.authenticatorData
        withoutPresence[32] &= ~AuthenticatorFlags.userPresent.rawValue
        #expect(throws: PasskeyError.userNotPresent) { try vector.authenticate(key: key, authenticatorData: withoutPresence) }
        var otherFlags = vector.authenticatorData
        otherFlags[32] ^= AuthenticatorFlags.userVerified.rawValue
        #expect(throws: PasskeyError.signatureInvalid) { try vector.authenticate(key: key, authenticatorData: otherFlags) }
        if vector.authenticatorData[32] & AuthenticatorFlags.userVerified.rawValue == 0 {
            #expect(throws: PasskeyError.userNotVerified) { try vector.authenticate(key: key, requireUserVerification: true) }
        }
        #expect(throws: PasskeyError.malformedAuthenticatorData) {
            try vector.authenticate(key: key, authenticatorData: Array(vector.authenticatorData.dropLast()))
        }
        #expect(throws: PasskeyError.malformedAuthenticatorData) {
            try vector.authenticate(key: key, authenticatorData: vector.authenticatorData + [0])
        }
        // The examples' counter is 0: after a non-zero stored counter, that is a possible clone.
        #expect(throws: PasskeyError.signCountNotIncreasing) { try vector.authenticate(key: key, storedSignCount: 1) }
        // Another example's credential does not verify this assertion.
        let other = try WebAuthnVector.named(name == "none.ES256" ? "packed-self.ES256" : "none.ES256").credentialKey()
        #expect(throws: PasskeyError.signatureInvalid) { try vector.authenticate(key: other) }
    }
}
