import Foundation
import Testing
import WritCore
import WritCrypto

/// One example of the W3C WebAuthn Level 3 test vectors kept in Tests/Fixtures/webauthn (see its
/// README for the source): a registration and an authentication with the same credential.
struct WebAuthnVector: Sendable, CustomTestStringConvertible {
    /// The RP ID and origin every example uses.
    static let rpID = "example.org"
    static let origins: Set<String> = ["https://example.org"]

    let name: String
    let registrationChallenge: [UInt8]
    let credentialID: [UInt8]
    let aaguid: [UInt8]
    let registrationClientData: [UInt8]
    let attestationObject: [UInt8]
    let authenticationChallenge: [UInt8]
    let authenticatorData: [UInt8]
    let authenticationClientData: [UInt8]
    let signature: [UInt8]

    var testDescription: String { name }

    private static let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/webauthn/w3c-webauthn-l3-test-vectors.json")

    /// The example named `name` (`none.ES256`, `packed.RS256`, …).
    static func named(_ name: String) throws -> WebAuthnVector {
        let document = try JSONParser.parse(Array(try Data(contentsOf: file)))
        let example = try #require(document[name], "no example \(name)")
        func bytes(_ ceremony: String, _ member: String) throws -> [UInt8] {
            try #require(example[ceremony]?[member]?.stringValue.flatMap { Hex.decode($0) }, "\(name) lacks \(ceremony).\(member)")
        }
        return WebAuthnVector(
            name: name,
            registrationChallenge: try bytes("registration", "challenge"),
            credentialID: try bytes("registration", "credential_id"),
            aaguid: try bytes("registration", "aaguid"),
            registrationClientData: try bytes("registration", "clientDataJSON"),
            attestationObject: try bytes("registration", "attestationObject"),
            authenticationChallenge: try bytes("authentication", "challenge"),
            authenticatorData: try bytes("authentication", "authenticatorData"),
            authenticationClientData: try bytes("authentication", "clientDataJSON"),
            signature: try bytes("authentication", "signature")
        )
    }

    /// The registration's authenticator data, read straight from the attestation object (for
    /// examples whose attestation Writ does not verify).
    func registrationAuthenticatorData() throws -> AuthenticatorData {
        let authData = try #require(CBORDecoder.decode(attestationObject)["authData"]?.bytesValue)
        return try AuthenticatorData(bytes: authData)
    }

    /// The credential public key registered in this example.
    func credentialKey() throws -> COSEKey {
        try #require(try registrationAuthenticatorData().attestedCredential?.publicKey)
    }

    /// Verifies the example's registration, with changes.
    func register(
        attestationObject: [UInt8]? = nil, clientData: [UInt8]? = nil, challenge: [UInt8]? = nil,
        origins: Set<String> = WebAuthnVector.origins, rpID: String = WebAuthnVector.rpID, requireUserVerification: Bool = false
    ) throws(PasskeyError) -> RegisteredPasskey {
        try PasskeyRegistration.verify(
            attestationObject: attestationObject ?? self.attestationObject, clientDataJSON: clientData ?? registrationClientData,
            expectedChallenge: challenge ?? registrationChallenge, expectedOrigins: origins, rpID: rpID,
            requireUserVerification: requireUserVerification)
    }

    /// Verifies the example's authentication, with changes.
    func authenticate(
        key: COSEKey, authenticatorData: [UInt8]? = nil, clientData: [UInt8]? = nil, signature: [UInt8]? = nil,
        challenge: [UInt8]? = nil, origins: Set<String> = WebAuthnVector.origins, rpID: String = WebAuthnVector.rpID,
        requireUserVerification: Bool = false,
        storedSignCount: UInt32 = 0
    ) throws(PasskeyError) -> PasskeyAssertion.Verified {
        try PasskeyAssertion.verify(
            credentialPublicKey: key, authenticatorData: authenticatorData ?? self.authenticatorData,
            clientDataJSON: clientData ?? authenticationClientData, signature: signature ?? self.signature,
            expectedChallenge: challenge ?? authenticationChallenge, expectedOrigins: origins, rpID: rpID,
            requireUserVerification: requireUserVerification, storedSignCount: storedSignCount)
    }
}
