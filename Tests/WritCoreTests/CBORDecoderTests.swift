import Testing
import WritCore
import WritCrypto

@Suite("Strict CBOR decoder", .timeLimit(.minutes(1)))
struct CBORDecoderTests {
    static func decode(_ hex: String) throws -> CBORValue {
        try CBORDecoder.decode(try #require(Hex.decode(hex)))
    }

    @Test(
        "decodes the examples of RFC 8949 Appendix A it accepts",
        arguments: [
            ("00", CBORValue.unsigned(0)), ("17", .unsigned(23)), ("1818", .unsigned(24)), ("1903e8", .unsigned(1000)),
            ("1bffffffffffffffff", .unsigned(.max)), ("20", .negative(0)), ("3863", .negative(99)),
            ("3bffffffffffffffff", .negative(.max)), ("40", .bytes([])), ("4401020304", .bytes([1, 2, 3, 4])),
            ("60", .text("")), ("6449455446", .text("IETF")), ("62c3bc", .text("\u{fc}")), ("f4", .bool(false)), ("f5", .bool(true)),
            ("f6", .null), ("80", .array([])), ("83010203", .array([.unsigned(1), .unsigned(2), .unsigned(3)])),
            ("a0", .map([:])), ("a201020304", .map([.unsigned(1): .unsigned(2), .unsigned(3): .unsigned(4)])),
            ("a26161016162820203", .map([.text("a"): .unsigned(1), .text("b"): .array([.unsigned(2), .unsigned(3)])])),
        ])
    func accepts(hex: String, expected: CBORValue) throws {
        #expect(try Self.decode(hex) == expected)
    }

    @Test("integers convert to Int64 where they fit")
    func integers() throws {
        #expect(CBORValue.negative(0).integerValue == -1)
        #expect(CBORValue.negative(UInt64(Int64.max)).integerValue == .min)
        #expect(CBORValue.negative(.max).integerValue == nil)
        #expect(CBORValue.unsigned(.max).integerValue == nil)
        #expect(CBORValue.integer(-257) == .negative(256))
        #expect(try Self.decode("390100").integerValue == -257)
    }

    @Test(
        "refuses indefinite lengths, tags, floats, other simple values, bad UTF-8, truncation and trailing bytes",
        arguments: [
            "", "5f4101ff", "7f6161ff", "9f01ff", "bf0101ff", "c11a514b67b0", "d8184100", "f93c00", "fa47c35000", "fb3ff199999999999a",
            "f7", "f0", "f820", "1c", "3e", "62fffe", "1901", "1b00000000", "4401", "830102", "a201", "0000", "80ff",
            "a1f500", "a1f600", "a18000", "a1a00000",
        ])
    func refuses(hex: String) {
        #expect(throws: PasskeyError.malformedCBOR) { try Self.decode(hex) }
    }

    @Test("a length or count beyond the input is refused before anything is allocated")
    func hugeLengths() {
        for hex in ["5bffffffffffffffff", "7bffffffffffffffff", "9bffffffffffffffff", "bbffffffffffffffff", "5a7fffffff00", "9a0001000001"]
        {
            #expect(throws: PasskeyError.malformedCBOR) { try Self.decode(hex) }
        }
    }

    @Test("a repeated map key is refused, even an equal one spelled the same")
    func duplicateKeys() {
        #expect(throws: PasskeyError.malformedCBOR) { try Self.decode("a201000100") }
        #expect(throws: PasskeyError.malformedCBOR) { try Self.decode("a2616101616102") }
        #expect(throws: PasskeyError.malformedCBOR) { try Self.decode("a2410001410002") }
    }

    @Test("nesting is limited to 16 levels, and deeper input is refused, not a stack overflow")
    func depth() throws {
        let allowed = [UInt8](repeating: 0x81, count: CBORDecoder.maxDepth) + [0x00]
        #expect(throws: Never.self) { try CBORDecoder.decode(allowed) }
        let deeper = [UInt8](repeating: 0x81, count: CBORDecoder.maxDepth + 1) + [0x00]
        #expect(throws: PasskeyError.malformedCBOR) { try CBORDecoder.decode(deeper) }
        // Maps nested through their values: {0: {0: {0: …}}}.
        let maps = Array([UInt8](repeating: 0xa1, count: 100_000).map { [$0, 0x00] }.joined().dropLast())
        #expect(throws: PasskeyError.malformedCBOR) { try CBORDecoder.decode(maps) }
        #expect(throws: PasskeyError.malformedCBOR) { try CBORDecoder.decode([UInt8](repeating: 0x81, count: 1_000_000)) }
    }

    @Test("every truncation and many byte flips of a real attestation object fail cleanly or decode")
    func mutations() throws {
        let vector = try WebAuthnVector.named("packed-self.ES256")
        let object = vector.attestationObject
        for length in 0..<object.count {
            #expect(throws: PasskeyError.self) { try CBORDecoder.decode(object.prefix(length)) }
        }
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        for _ in 0..<2_000 {
            var mutated = object
            for _ in 0...(state % 3) {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                mutated[Int(state >> 33) % mutated.count] ^= UInt8(truncatingIfNeeded: state >> 17) | 1
            }
            // Either outcome is fine; what matters is that hostile bytes never trap.
            _ = try? vector.register(attestationObject: mutated)
            _ = try? CBORDecoder.decode(mutated)
            if let authData = (try? CBORDecoder.decode(mutated))?["authData"]?.bytesValue { _ = try? AuthenticatorData(bytes: authData) }
        }
    }
}
