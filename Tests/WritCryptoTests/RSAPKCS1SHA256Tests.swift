import Testing
import WritCrypto

@Suite("RSA PKCS #1 v1.5 SHA-256", .timeLimit(.minutes(3)))
struct RSAPKCS1SHA256Tests {
    /// The RS256 credential of the W3C WebAuthn Level 3 test vectors: n = (2^1279 - 1)(2^2203 - 1), e = 65537.
    static func modulus() throws -> [UInt8] {
        try #require(
            Hex.decode(
                "03" + String(repeating: "f", count: 319) + "7" + String(repeating: "f", count: 230) + "8"
                    + String(repeating: "0", count: 318) + "1"))
    }

    static let signatureHex =
        "01063d52d7c39b4d432fc7063c5d93e582bdcb16889cd71f888d67d880ea730a428498d3bc8e1ee11f2b1ecbe6c292b118c55ffaaddefa8cad0a54dd137c51f1eec673f1bb6c4d1789d6826a222b22d0f585fc901fdc933212e579d199b89d672aa44891333e6a1355536025e82b25590256c3538229b55737083b2f6b9377e49e2472f11952f79fdd0da180b5ffd901b4049a8f081bb40711bef76c62aed943571f2d0575304cb549d68d8892f95086a30f93716aee818f8dc06e96c0d5e0ed4cfa9fd8773d90464b68cf140f7986666ff9c9e3302acd0535d60d769f465e2ab57ef8aabc89fccfef7ba32a64154a8b3d26be2298f470b8cc5377dbe3dfd4b0b45f8f01e63bde6cfc76b62771f9b70aa27cf40152cad93aa5acd784fd4b90f676e2ea828d0bf2400aebbaae4153e5838f537f88b6228346782a93a899be66ec77de45b3efcf311da6321c92e6b0cd11bfe653bf3e98cee8e341f02d67dbb6f9c98d9e8178090cfb5b70fbc6d541599ac794ae2f1d4de1286ec8de8c2daf7b1d15c8438e90d924df5c19045220a4c8438c1b979bbe016cf3d0eeec23c3999d4882cc645b776de930756612cdc6dd398160ff02a6"

    static func message() throws -> [UInt8] {
        let authenticatorData = try #require(Hex.decode("bfabc37432958b063360d3ad6461c9c4735ae7f8edd46592a5e0f01452b2e4b51900000000"))
        let clientData =
            #"{"type":"webauthn.get","challenge":"KV9Z9fqP5ixayp4nYmx4yNo3aubYzS3SmuutYB4bxMU","origin":"https://example.org","crossOrigin":false}"#
        return authenticatorData + SHA256.hash(Array(clientData.utf8))
    }

    @Test("the W3C WebAuthn packed.RS256 assertion verifies, and a changed byte does not")
    func webAuthnVector() throws {
        let key = try RSAPKCS1SHA256.PublicKey(modulus: try Self.modulus(), exponent: [0x01, 0x00, 0x01])
        #expect(key.byteCount == 436)
        let signature = try #require(Hex.decode(Self.signatureHex))
        let message = try Self.message()
        #expect(key.isValidSignature(signature, for: message))
        var flipped = signature
        flipped[200] ^= 0x01
        #expect(!key.isValidSignature(flipped, for: message))
        #expect(!key.isValidSignature(signature, for: message + [0]))
        #expect(!key.isValidSignature(signature.dropLast(), for: message))
        #expect(!key.isValidSignature(signature + [0], for: message))
        #expect(!key.isValidSignature([], for: message))
        // Leading zero bytes of n or e do not change the key.
        #expect(try RSAPKCS1SHA256.PublicKey(modulus: [0, 0] + Self.modulus(), exponent: [0, 1, 0, 1]) == key)
    }

    @Test("weak, even, empty or oversized parameters are refused")
    func hostileKeys() throws {
        let modulus = try Self.modulus()
        let small = [UInt8](repeating: 0xff, count: 128)
        let huge = [UInt8](repeating: 0xff, count: 1025)
        let cases: [([UInt8], [UInt8])] = [
            (small, [1, 0, 1]), (huge, [1, 0, 1]), ([], [1, 0, 1]), (Array(modulus.dropLast()) + [0x02], [1, 0, 1]),
            (modulus, [1, 0, 0]), (modulus, [1]), (modulus, []), (modulus, [1, 0, 0, 0, 1]),
        ]
        for (n, e) in cases {
            #expect(throws: CryptoError.self) { try RSAPKCS1SHA256.PublicKey(modulus: n, exponent: e) }
        }
    }
}
