import Testing
import WritCrypto

@Suite("SHA-256 and HMAC-SHA-256", .timeLimit(.minutes(3)))
struct HashTests {
    @Test(
        "SHA-256 matches the FIPS 180-2 examples",
        arguments: [
            ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            (
                "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
            ),
        ])
    func sha256(message: String, digest: String) {
        #expect(SHA256.hexHash(Array(message.utf8)) == digest)
    }

    @Test("SHA-256 of one million 'a'")
    func sha256Million() {
        let message = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(SHA256.hexHash(message) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test(
        "HMAC-SHA-256 matches RFC 4231",
        arguments: [
            // Test case 1
            (
                "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
                "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
            ),
            // Test case 2
            (
                "4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
            ),
            // Test case 3
            (
                String(repeating: "aa", count: 20), String(repeating: "dd", count: 50),
                "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"
            ),
            // Test case 6: a key longer than the block size
            (
                String(repeating: "aa", count: 131),
                "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368204b6579204669727374",
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
            ),
        ])
    func hmac(key: String, message: String, code: String) throws {
        let key = try #require(Hex.decode(key))
        let message = try #require(Hex.decode(message))
        let expected = try #require(Hex.decode(code))
        #expect(Hex.encode(HMACSHA256.authenticate(message, key: key)) == code)
        #expect(HMACSHA256.isValid(expected, for: message, key: key))
        var forged = expected
        forged[31] ^= 1
        #expect(!HMACSHA256.isValid(forged, for: message, key: key))
    }

    @Test("random bytes differ and uniform draws stay in range")
    func randomness() {
        #expect(SecureRandom.bytes(32) != SecureRandom.bytes(32))
        #expect(SecureRandom.bytes(0).isEmpty)
        for _ in 0..<1000 { #expect(SecureRandom.uniform(below: 62) < 62) }
    }
}
