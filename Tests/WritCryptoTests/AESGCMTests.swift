import Testing
import WritCrypto

@Suite("AES-256-GCM", .timeLimit(.minutes(3)))
struct AESGCMTests {
    @Test(
        "encryption matches the GCM specification's AES-256 test cases",
        arguments: [
            // Test case 13
            (String(repeating: "00", count: 32), String(repeating: "00", count: 12), "", "", "", "530f8afbc74536b9a963b4f1c4cb738b"),
            // Test case 14
            (
                String(repeating: "00", count: 32), String(repeating: "00", count: 12), String(repeating: "00", count: 16), "",
                "cea7403d4d606b6e074ec5d3baf39d18", "d0d1c8a799996bf0265b98b5d48ab919"
            ),
            // Test case 16
            (
                "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308", "cafebabefacedbaddecaf888",
                "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
                "feedfacedeadbeeffeedfacedeadbeefabaddad2",
                "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
                "76fc6ece0f4e1768cddf8853bb2d551b"
            ),
        ])
    func vectors(key: String, nonce: String, plaintext: String, aad: String, ciphertext: String, tag: String) throws {
        let key = try #require(Hex.decode(key))
        let nonce = try #require(Hex.decode(nonce))
        let plaintext = try #require(Hex.decode(plaintext))
        let aad = try #require(Hex.decode(aad))
        let result = try AESGCM.encrypt(plaintext, key: key, nonce: nonce, associatedData: aad)
        #expect(Hex.encode(result.ciphertext) == ciphertext)
        #expect(Hex.encode(result.tag) == tag)
        let opened = try AESGCM.decrypt(result.ciphertext, tag: result.tag, key: key, nonce: nonce, associatedData: aad)
        #expect(opened == plaintext)
    }

    @Test("a sealed box opens with its key and refuses any change")
    func sealAndOpen() throws {
        let key = SecureRandom.bytes(32)
        let secret = Array("ed25519 seed bytes".utf8)
        let sealed = try AESGCM.seal(secret, key: key, associatedData: Array("tenant-1".utf8))
        #expect(try AESGCM.open(sealed, key: key, associatedData: Array("tenant-1".utf8)) == secret)
        #expect(throws: CryptoError.authenticationFailed) {
            try AESGCM.open(sealed, key: key, associatedData: Array("tenant-2".utf8))
        }
        for position in [0, 12, sealed.count - 1] {
            var tampered = sealed
            tampered[position] ^= 0x80
            #expect(throws: CryptoError.authenticationFailed) {
                try AESGCM.open(tampered, key: key, associatedData: Array("tenant-1".utf8))
            }
        }
        #expect(throws: CryptoError.authenticationFailed) { try AESGCM.open(Array(sealed.prefix(20)), key: key) }
        #expect(throws: CryptoError.self) { try AESGCM.seal(secret, key: [1, 2, 3]) }
    }
}
