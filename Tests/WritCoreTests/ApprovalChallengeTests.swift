import Testing
import WritCore
import WritCrypto

@Suite("Passkeys: approval challenge", .timeLimit(.minutes(1)))
struct ApprovalChallengeTests {
    static let intentID = "0192f6a4-3b5c-7d8e-9f01-23456789abcd"
    /// base64url SHA-256 of "test", standing in for an action digest.
    static let actionDigest = "n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg"
    static let nonce: [UInt8] = Array(0..<16)

    @Test("the worked example of docs/passkeys.md")
    func workedExample() throws {
        let document = try ApprovalChallenge.document(
            intentID: Self.intentID, actionDigest: Self.actionDigest, decision: .approve, nonce: Self.nonce)
        #expect(
            String(decoding: document, as: UTF8.self)
                == #"{"action_digest":"n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg","decision":"approve","intent_id":"0192f6a4-3b5c-7d8e-9f01-23456789abcd","nonce":"AAECAwQFBgcICQoLDA0ODw","purpose":"writ.approval"}"#
        )
        let challenge = try ApprovalChallenge.bytes(
            intentID: Self.intentID, actionDigest: Self.actionDigest, decision: .approve, nonce: Self.nonce)
        #expect(Hex.encode(challenge) == "0be087f9356e44c1eddb602f97a2a29869dafed4dce8796c8cc6a47c2f519f63")
        #expect(Base64URL.encode(challenge) == "C-CH-TVuRMHt22Avl6KimGna_tTc6HlsjMakfC9Rn2M")
        let rejection = try ApprovalChallenge.bytes(
            intentID: Self.intentID, actionDigest: Self.actionDigest, decision: .reject, nonce: Self.nonce)
        #expect(Hex.encode(rejection) == "ceecac71e70c7de66912ba0b831179946143b32f63136ba9690348e0090425cf")
    }

    @Test("every input changes the challenge, and a short nonce is refused")
    func bindsEveryInput() throws {
        func challenge(
            _ intent: String = ApprovalChallengeTests.intentID, _ digest: String = ApprovalChallengeTests.actionDigest,
            _ decision: ApprovalDecision = .approve, _ nonce: [UInt8] = ApprovalChallengeTests.nonce
        )
            throws -> [UInt8]
        {
            try ApprovalChallenge.bytes(intentID: intent, actionDigest: digest, decision: decision, nonce: nonce)
        }
        let base = try challenge()
        let variants = [
            try challenge("0192f6a4-3b5c-7d8e-9f01-23456789abce"), try challenge(Self.actionDigest.uppercased()),
            try challenge(Self.intentID, Self.actionDigest, .reject),
            try challenge(Self.intentID, Self.actionDigest, .approve, Array(1..<17)),
        ]
        #expect(Set(variants.map { Hex.encode($0) }).count == variants.count)
        #expect(!variants.contains(base))
        #expect(base.count == 32)
        #expect(throws: PasskeyError.nonceTooShort) { try challenge(Self.intentID, Self.actionDigest, .approve, Array(0..<15)) }
    }

    @Test("an assertion over the approval challenge verifies, and not for the other decision")
    func signedApproval() throws {
        let authenticator = SoftAuthenticator()
        let approve = try ApprovalChallenge.bytes(
            intentID: Self.intentID, actionDigest: Self.actionDigest, decision: .approve, nonce: Self.nonce)
        let reject = try ApprovalChallenge.bytes(
            intentID: Self.intentID, actionDigest: Self.actionDigest, decision: .reject, nonce: Self.nonce)
        let data = authenticator.authenticatorData(signCount: 8)
        let clientData = SoftAuthenticator.clientData(challenge: approve)
        let signature = try authenticator.sign(data, clientData)
        func verify(_ expected: [UInt8]) throws -> PasskeyAssertion.Verified {
            try PasskeyAssertion.verify(
                credentialPublicKey: COSEKey(bytes: authenticator.coseKey), authenticatorData: data, clientDataJSON: clientData,
                signature: signature,
                expectedChallenge: expected, expectedOrigins: [SoftAuthenticator.origin], rpID: SoftAuthenticator.rpID,
                requireUserVerification: true, storedSignCount: 7)
        }
        #expect(try verify(approve).signCount == 8)
        #expect(throws: PasskeyError.challengeMismatch) { try verify(reject) }
    }
}
