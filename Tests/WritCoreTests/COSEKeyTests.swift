import Testing
import WritCore
import WritCrypto

@Suite("Passkeys: COSE keys", .timeLimit(.minutes(1)))
struct COSEKeyTests {
    /// An EC2 key map with the given labels (kty 2 unless overridden).
    static func map(_ entries: [(Int, [UInt8])]) -> [UInt8] {
        let header: [UInt8] = [0xa0 | UInt8(entries.count)]
        return header
            + entries.flatMap { label, value in
                (label < 0 ? SoftAuthenticator.head(1, -1 - label) : SoftAuthenticator.head(0, label)) + value
            }
    }

    static func bytes32(_ hex: String) throws -> [UInt8] { SoftAuthenticator.head(2, 32) + (try #require(Hex.decode(hex))) }

    static let x = "60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6"
    static let y = "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299"

    @Test(
        "ES256, EdDSA and RS256 keys of the W3C vectors are read with their algorithm",
        arguments: ["none.ES256", "packed.EdDSA", "packed.RS256"])
    func vectors(name: String) throws {
        let key = try WebAuthnVector.named(name).credentialKey()
        let expected: [String: COSEKey.Algorithm] = ["none.ES256": .es256, "packed.EdDSA": .edDSA, "packed.RS256": .rs256]
        #expect(key.algorithm == expected[name])
        #expect(try COSEKey(bytes: key.bytes) == key)
    }

    @Test("an ES256 key built by hand is read; the order of its labels does not matter")
    func es256() throws {
        let key = try COSEKey(
            bytes: Self.map([(1, [0x02]), (3, [0x26]), (-1, [0x01]), (-2, try Self.bytes32(Self.x)), (-3, try Self.bytes32(Self.y))]))
        let reordered = try COSEKey(
            bytes: Self.map([(-3, try Self.bytes32(Self.y)), (-2, try Self.bytes32(Self.x)), (-1, [0x01]), (3, [0x26]), (1, [0x02])]))
        #expect(key == reordered)
        #expect(key.algorithm == .es256)
    }

    @Test("other key types, curves and algorithms are refused as unsupported, naming them")
    func unsupported() throws {
        let x = try Self.bytes32(Self.x)
        let y = try Self.bytes32(Self.y)
        let cases: [([UInt8], String)] = [
            (Self.map([(1, [0x02]), (3, [0x38, 0x22]), (-1, [0x02]), (-2, x), (-3, y)]), "-35"),  // ES384
            (Self.map([(1, [0x02]), (3, [0x26]), (-1, [0x02]), (-2, x), (-3, y)]), "curve 2"),  // ES256 on P-384
            (Self.map([(1, [0x02]), (-1, [0x01]), (-2, x), (-3, y)]), "missing"),  // no alg
            (Self.map([(1, [0x01]), (3, [0x27]), (-1, [0x07]), (-2, x)]), "curve 7"),  // Ed448
            (Self.map([(1, [0x01]), (3, [0x32]), (-1, [0x06]), (-2, x)]), "-19"),  // fully specified Ed25519
            (Self.map([(1, [0x04]), (3, [0x26])]), "key type 4"),  // symmetric
            (Self.map([(3, [0x39, 0x01, 0x00])]), "key type missing"),
            ([0x80], "map"),
        ]
        for (bytes, named) in cases {
            let error = #expect(throws: PasskeyError.unsupportedKey) { try COSEKey(bytes: bytes) }
            #expect(error?.description.contains(named) == true, "\(error.map(String.init(describing:)) ?? "no error")")
        }
    }

    @Test("supported keys with bad values are refused as invalid")
    func invalid() throws {
        let x = try Self.bytes32(Self.x)
        let y = try Self.bytes32(Self.y)
        var offCurve = y
        offCurve[offCurve.count - 1] ^= 0x01
        let short: [UInt8] = SoftAuthenticator.head(2, 31) + [UInt8](repeating: 1, count: 31)
        let cases: [[UInt8]] = [
            Self.map([(1, [0x02]), (3, [0x26]), (-1, [0x01]), (-2, x), (-3, offCurve)]),
            Self.map([(1, [0x02]), (3, [0x26]), (-1, [0x01]), (-2, short), (-3, y)]),
            Self.map([(1, [0x02]), (3, [0x26]), (-1, [0x01]), (-2, x), (-3, [0xf5])]),  // compressed form
            Self.map([(1, [0x01]), (3, [0x27]), (-1, [0x06]), (-2, short)]),
            Self.map([
                (1, [0x03]), (3, [0x39, 0x01, 0x00]), (-1, SoftAuthenticator.head(2, 128) + [UInt8](repeating: 0xff, count: 128)),
                (-2, [0x43, 1, 0, 1]),
            ]),
            Self.map([(1, [0x03]), (3, [0x39, 0x01, 0x00]), (-2, [0x43, 1, 0, 1])]),
        ]
        for bytes in cases {
            #expect(throws: PasskeyError.invalidKey) { try COSEKey(bytes: bytes) }
        }
    }
}
