import Foundation
import Testing
import WritCore
import WritCrypto

/// A registration and assertions made by the software authenticator of the PyPI package
/// soft-webauthn (Tests/Fixtures/webauthn/soft-webauthn.json, written by scripts/webauthn_fixtures.py).
@Suite("Passkeys: soft-webauthn fixtures", .timeLimit(.minutes(1)))
struct SoftWebAuthnFixtureTests {
    struct Assertion {
        let challenge: [UInt8]
        let signCount: UInt32
        let authenticatorData: [UInt8]
        let clientData: [UInt8]
        let signature: [UInt8]
    }

    static func fixture() throws -> JSONValue {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/webauthn/soft-webauthn.json")
        return try JSONParser.parse(Array(try Data(contentsOf: file)))
    }

    static func bytes(_ value: JSONValue?, _ member: String) throws -> [UInt8] {
        try #require(value?[member]?.stringValue.flatMap { Hex.decode($0) }, "no \(member)")
    }

    @Test("the registration verifies, the counter advances with each assertion, and a replayed assertion is refused")
    func registerThenAssert() throws {
        let fixture = try Self.fixture()
        let rpID = try #require(fixture["rp_id"]?.stringValue)
        let origin = try #require(fixture["origin"]?.stringValue)
        let registration = fixture["registration"]
        let passkey = try PasskeyRegistration.verify(
            attestationObject: Self.bytes(registration, "attestationObject"), clientDataJSON: Self.bytes(registration, "clientDataJSON"),
            expectedChallenge: Self.bytes(registration, "challenge"), expectedOrigins: [origin], rpID: rpID, requireUserVerification: false)
        #expect(passkey.credentialID == (try Self.bytes(registration, "credential_id")))
        #expect(passkey.algorithm == .es256 && passkey.attestation == .unattested && passkey.signCount == 0)
        let assertions = try #require(fixture["assertions"]?.arrayValue).map { entry in
            Assertion(
                challenge: try Self.bytes(entry, "challenge"), signCount: UInt32(try #require(entry["sign_count"]?.numberValue)),
                authenticatorData: try Self.bytes(entry, "authenticatorData"), clientData: try Self.bytes(entry, "clientDataJSON"),
                signature: try Self.bytes(entry, "signature"))
        }
        #expect(assertions.count == 3)
        let key = try COSEKey(bytes: passkey.publicKey.bytes)
        func verify(_ assertion: Assertion, stored: UInt32) throws -> PasskeyAssertion.Verified {
            try PasskeyAssertion.verify(
                credentialPublicKey: key, authenticatorData: assertion.authenticatorData, clientDataJSON: assertion.clientData,
                signature: assertion.signature, expectedChallenge: assertion.challenge, expectedOrigins: [origin], rpID: rpID,
                requireUserVerification: false, storedSignCount: stored)
        }
        var stored = passkey.signCount
        for assertion in assertions {
            let verified = try verify(assertion, stored: stored)
            #expect(verified.signCount == assertion.signCount)
            stored = verified.signCount
        }
        #expect(throws: PasskeyError.signCountNotIncreasing) { try verify(assertions[0], stored: stored) }
        #expect(throws: PasskeyError.userNotVerified) {
            try PasskeyAssertion.verify(
                credentialPublicKey: key, authenticatorData: assertions[0].authenticatorData, clientDataJSON: assertions[0].clientData,
                signature: assertions[0].signature, expectedChallenge: assertions[0].challenge, expectedOrigins: [origin], rpID: rpID,
                requireUserVerification: true, storedSignCount: 0)
        }
        // The last assertion signs the approval challenge of docs/passkeys.md's worked example.
        let approval = try ApprovalChallenge.bytes(
            intentID: "0192f6a4-3b5c-7d8e-9f01-23456789abcd", actionDigest: "n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg",
            decision: .approve,
            nonce: Array(0..<16))
        #expect(assertions[2].challenge == approval)
    }
}
