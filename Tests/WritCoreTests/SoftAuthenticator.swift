import WritCore
import WritCrypto

/// A software authenticator for tests: an Ed25519 credential whose authenticator data, flags,
/// counter and attestation the test chooses, signed for real.
struct SoftAuthenticator {
    static let rpID = "writ.example"
    static let origin = "https://writ.example"

    let key = Ed25519.PrivateKey()
    var credentialID: [UInt8] = Array(0..<16)

    /// The credential public key as COSE: kty 1 (OKP), alg -8 (EdDSA), crv 6 (Ed25519), x.
    var coseKey: [UInt8] { [0xa4, 0x01, 0x01, 0x03, 0x27, 0x20, 0x06, 0x21, 0x58, 0x20] + key.publicKey.rawRepresentation }

    /// Authenticator data with `flags` and `signCount`; with `attested`, the AT flag and the credential.
    func authenticatorData(
        flags: AuthenticatorFlags = [.userPresent, .userVerified], signCount: UInt32 = 0, rpID: String = SoftAuthenticator.rpID,
        attested: Bool = false, extensions: [UInt8] = []
    ) -> [UInt8] {
        var flags = flags
        if attested { flags.insert(.attestedCredentialData) }
        var bytes = SHA256.hash(Array(rpID.utf8)) + [flags.rawValue] + withUnsafeBytes(of: signCount.bigEndian) { Array($0) }
        if attested {
            let length = UInt16(credentialID.count)
            bytes += [UInt8](repeating: 0, count: 16) + [UInt8(length >> 8), UInt8(length & 0xff)] + credentialID + coseKey
        }
        return bytes + extensions
    }

    /// `clientDataJSON` for `type` and `challenge`, with `extra` members appended (`,"crossOrigin":true`).
    static func clientData(type: String = "webauthn.get", challenge: [UInt8], origin: String = SoftAuthenticator.origin, extra: String = "")
        -> [UInt8]
    {
        Array(#"{"type":"\#(type)","challenge":"\#(Base64URL.encode(challenge))","origin":"\#(origin)"\#(extra)}"#.utf8)
    }

    /// The signature over `authenticatorData || SHA-256(clientData)`.
    func sign(_ authenticatorData: [UInt8], _ clientData: [UInt8]) throws -> [UInt8] {
        try key.signature(for: authenticatorData + SHA256.hash(clientData))
    }

    /// An attestation object `{"fmt": format, "attStmt": statement, "authData": authData}`.
    static func attestationObject(format: String, statement: [UInt8] = [0xa0], authData: [UInt8], extra: [UInt8] = []) -> [UInt8] {
        let map: [UInt8] = [0xa0 | UInt8(3 + (extra.isEmpty ? 0 : 1))]
        return map + text("fmt") + text(format) + text("attStmt") + statement + text("authData")
            + head(2, authData.count) + authData + extra
    }

    /// A packed self-attestation statement `{"alg": alg, "sig": signature}`.
    static func packedStatement(alg: Int, signature: [UInt8]) -> [UInt8] {
        let algorithm: [UInt8] = alg < 0 ? head(1, -1 - alg) : head(0, alg)
        let map: [UInt8] = [0xa2]
        return map + text("alg") + algorithm + text("sig") + head(2, signature.count) + signature
    }

    /// A CBOR text string.
    static func text(_ value: String) -> [UInt8] { head(3, value.utf8.count) + Array(value.utf8) }

    /// A CBOR head of `major` type with argument `value`.
    static func head(_ major: UInt8, _ value: Int) -> [UInt8] {
        switch value {
        case ..<24: [major << 5 | UInt8(value)]
        case ..<256: [major << 5 | 24, UInt8(value)]
        default: [major << 5 | 25, UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
        }
    }
}
