import Testing
import WritCrypto

@Suite("ECDSA P-256", .timeLimit(.minutes(3)))
struct ECDSAP256Tests {
    /// RFC 6979 §A.2.5: the P-256 key and its SHA-256 signatures of "sample" and "test".
    static let rfc6979X = "60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6"
    static let rfc6979Y = "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299"

    /// A DER `SEQUENCE { r INTEGER, s INTEGER }` from big-endian r and s.
    static func der(_ r: String, _ s: String) throws -> [UInt8] {
        func integer(_ hex: String) throws -> [UInt8] {
            var bytes = Array(try #require(Hex.decode(hex)).drop(while: { $0 == 0 }))
            if let first = bytes.first, first & 0x80 != 0 { bytes.insert(0, at: 0) }
            return [0x02, UInt8(bytes.count)] + bytes
        }
        let body = try integer(r) + integer(s)
        return [0x30, UInt8(body.count)] + body
    }

    static func rfc6979Key() throws -> ECDSAP256.PublicKey {
        try ECDSAP256.PublicKey(x: try #require(Hex.decode(rfc6979X)), y: try #require(Hex.decode(rfc6979Y)))
    }

    @Test(
        "signatures of RFC 6979 §A.2.5 verify",
        arguments: [
            (
                "sample", "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716",
                "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8"
            ),
            (
                "test", "f1abb023518351cd71d881567b1ea663ed3efcf6c5132b354f28d3b0b7d38367",
                "019f4113742a2b14bd25926b49c649155f267e60d3814b4c0cc84250e46f0083"
            ),
        ])
    func rfc6979(message: String, r: String, s: String) throws {
        let key = try Self.rfc6979Key()
        let signature = try Self.der(r, s)
        #expect(key.isValidSignature(derSignature: signature, for: Array(message.utf8)))
        #expect(!key.isValidSignature(derSignature: signature, for: Array((message + ".").utf8)))
        #expect(key.x963Representation.count == 65)
    }

    @Test("the W3C WebAuthn none.ES256 assertion verifies, and any changed byte does not")
    func webAuthnVector() throws {
        let key = try ECDSAP256.PublicKey(
            x: try #require(Hex.decode("afefa16f97ca9b2d23eb86ccb64098d20db90856062eb249c33a9b672f26df61")),
            y: try #require(Hex.decode("930a56b87a2fca66334b03458abf879717c12cc68ed73290af2e2664796b9220")))
        let authenticatorData = try #require(Hex.decode("bfabc37432958b063360d3ad6461c9c4735ae7f8edd46592a5e0f01452b2e4b51900000000"))
        let clientData = Array(
            #"{"type":"webauthn.get","challenge":"OcDnUhQXulTUPo3JUXT0I97pvzzYBP9tZchXyav01Ag","origin":"https://example.org","crossOrigin":false}"#
                .utf8)
        let signature = try #require(
            Hex.decode(
                "3046022100f50a4e2e4409249c4a853ba361282f09841df4dd4547a13a87780218deffcd380221008480ac0f0b93538174f575bf11a1dd5d78c6e486013f937295ea13653e331e87"
            ))
        let message = authenticatorData + SHA256.hash(clientData)
        #expect(key.isValidSignature(derSignature: signature, for: message))
        for index in [0, 5, 40, signature.count - 1] {
            var flipped = signature
            flipped[index] ^= 0x01
            #expect(!key.isValidSignature(derSignature: flipped, for: message))
        }
        var changed = message
        changed[32] ^= 0x04
        #expect(!key.isValidSignature(derSignature: signature, for: changed))
    }

    @Test("hostile keys are refused and hostile signatures are false, never a crash")
    func hostile() throws {
        let x = try #require(Hex.decode(Self.rfc6979X))
        let y = try #require(Hex.decode(Self.rfc6979Y))
        var offCurve = y
        offCurve[31] ^= 0x01
        #expect(throws: CryptoError.self) { try ECDSAP256.PublicKey(x: x, y: offCurve) }
        #expect(throws: CryptoError.self) {
            try ECDSAP256.PublicKey(x: [UInt8](repeating: 0, count: 32), y: [UInt8](repeating: 0, count: 32))
        }
        #expect(throws: CryptoError.self) { try ECDSAP256.PublicKey(x: [UInt8](repeating: 0xff, count: 32), y: y) }
        #expect(throws: CryptoError.self) { try ECDSAP256.PublicKey(x: Array(x.prefix(31)), y: y) }
        #expect(throws: CryptoError.self) { try ECDSAP256.PublicKey(x963Representation: [0x02] + x + y) }
        #expect(throws: CryptoError.self) { try ECDSAP256.PublicKey(x963Representation: [0x00]) }
        let key = try Self.rfc6979Key()
        let message = Array("sample".utf8)
        let good = try Self.der(
            "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716",
            "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8")
        let hostile: [[UInt8]] = [
            [], [0x30, 0x00], Array(good.prefix(20)), good + [0x00], [0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00],
            [UInt8](repeating: 0x30, count: 72), [UInt8](repeating: 0xff, count: 4096),
            // r and s given as raw 64 bytes (IEEE P1363) instead of DER.
            try #require(
                Hex.decode(
                    "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8"
                )),
        ]
        for signature in hostile { #expect(!key.isValidSignature(derSignature: signature, for: message)) }
        // Non-minimal DER (a needless leading zero in s) is refused: one signature, one encoding.
        var padded = good
        padded[1] += 1
        padded[38] += 1
        padded.insert(0, at: 39)
        #expect(!key.isValidSignature(derSignature: padded, for: message))
    }
}
