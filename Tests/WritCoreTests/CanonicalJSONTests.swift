import Foundation
import Testing
import WritCore

@Suite("RFC 8785 JSON canonicalization", .timeLimit(.minutes(3)))
struct CanonicalJSONTests {
    @Test("the RFC's §3.2.2 example")
    func rfcExample() throws {
        let input = #"""
            {
              "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
              "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
              "literals": [null, true, false]
            }
            """#
        let expected =
            #"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#
        #expect(CanonicalJSON.string(try JSONParser.parse(input)) == expected)
    }

    @Test("member order matches UTF-16 code-unit order for names mixing every plane")
    func orderAgreesWithUTF16() throws {
        // Pairs of names from characters on both sides of the UTF-8/UTF-16 disagreement.
        let alphabet: [Character] = [
            "a", "Z", "~", "\u{7f}", "\u{80}", "é", "\u{7ff}", "\u{800}", "€", "\u{d7ff}", "\u{e000}", "\u{fb33}", "\u{ffff}", "\u{10000}",
            "😀", "\u{10ffff}",
        ]
        var generator = SystemRandomNumberGenerator()
        var members: [String: JSONValue] = [:]
        for _ in 0..<400 {
            let name = String((0..<Int.random(in: 0...3, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            members[name] = .null
        }
        let output = CanonicalJSON.bytes(.object(members))
        let expected = members.keys.sorted { $0.utf16.lexicographicallyPrecedes($1.utf16) }
        let parsed = try JSONParser.parse(String(decoding: output, as: UTF8.self))
        #expect(CanonicalJSON.bytes(parsed) == output)
        var rebuilt: [UInt8] = [UInt8(ascii: "{")]
        for (position, name) in expected.enumerated() {
            if position > 0 { rebuilt.append(UInt8(ascii: ",")) }
            rebuilt += CanonicalJSON.bytes(.string(name)) + Array(":null".utf8)
        }
        rebuilt.append(UInt8(ascii: "}"))
        #expect(output == rebuilt)
    }

    @Test("members are sorted by UTF-16 code units (§3.2.3)")
    func utf16Ordering() throws {
        let input = #"""
            {"\u20ac":"Euro Sign","\r":"Carriage Return","\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One",
             "\ud83d\ude00":"Emoji: Grinning Face","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis"}
            """#
        let output = CanonicalJSON.string(try JSONParser.parse(input))
        let keys = ["\\r", "1", "\u{80}", "ö", "€", "😀", "\u{fb33}"]
        var position = output.startIndex
        for key in keys {
            let range = try #require(output.range(of: "\"\(key)\":", range: position..<output.endIndex), "missing \(key)")
            position = range.upperBound
        }
    }

    @Test(
        "numbers format as ECMAScript does (Appendix B)",
        arguments: [
            (0x0000000000000000, "0"), (0x8000000000000000, "0"),
            (0x0000000000000001, "5e-324"), (0x8000000000000001, "-5e-324"),
            (0x7fefffffffffffff, "1.7976931348623157e+308"), (0xffefffffffffffff, "-1.7976931348623157e+308"),
            (0x4340000000000000, "9007199254740992"), (0xc340000000000000, "-9007199254740992"),
            (0x4430000000000000, "295147905179352830000"),
            (0x44b52d02c7e14af5, "9.999999999999997e+22"), (0x44b52d02c7e14af6, "1e+23"),
            (0x44b52d02c7e14af7, "1.0000000000000001e+23"),
            (0x444b1ae4d6e2ef4e, "999999999999999700000"), (0x444b1ae4d6e2ef4f, "999999999999999900000"),
            (0x444b1ae4d6e2ef50, "1e+21"),
            (0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"), (0x3eb0c6f7a0b5ed8d, "0.000001"),
            (0x41b3de4355555553, "333333333.3333332"), (0x41b3de4355555554, "333333333.33333325"),
            (0x41b3de4355555555, "333333333.3333333"), (0x41b3de4355555556, "333333333.3333334"),
            (0x41b3de4355555557, "333333333.33333343"),
            (0xbecbf647612f3696, "-0.0000033333333333333333"),
            (0x43143ff3c1cb0959, "1424953923781206.2"),
        ] as [(UInt64, String)])
    func numbers(bits: UInt64, expected: String) {
        #expect(CanonicalJSON.format(Double(bitPattern: bits)) == expected)
    }

    @Test("small integers and fractions print without exponent or trailing zeros")
    func everydayNumbers() {
        #expect(CanonicalJSON.format(1) == "1")
        #expect(CanonicalJSON.format(-42) == "-42")
        #expect(CanonicalJSON.format(10_000) == "10000")
        #expect(CanonicalJSON.format(0.5) == "0.5")
        #expect(CanonicalJSON.format(1e21) == "1e+21")
        #expect(CanonicalJSON.format(1e-7) == "1e-7")
        #expect(CanonicalJSON.format(123e-9) == "1.23e-7")
    }

    @Test("control characters escape with lowercase hex, everything else stays literal")
    func stringEscaping() {
        let value: JSONValue = ["k": .string("\u{1f}\u{7f}</script>é\u{2028}")]
        #expect(CanonicalJSON.string(value) == "{\"k\":\"\\u001f\u{7f}</script>é\u{2028}\"}")
    }

    @Test("escapes at the start, at the end and back to back keep the bytes between them")
    func escapeRuns() {
        let value: JSONValue = .string("\"a\\\n\u{0}b€\t\"")
        #expect(CanonicalJSON.string(value) == #""\"a\\\n\u0000b€\t\"""#)
        #expect(CanonicalJSON.string(.string("")) == #""""#)
    }

    @Test("integers up to 2^53 print as their digits, and the values around the bound stay exact")
    func integers() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let integer = Int64.random(in: -(1 << 53)...(1 << 53), using: &generator)
            #expect(CanonicalJSON.format(Double(integer)) == String(integer))
        }
        #expect(CanonicalJSON.format(9_007_199_254_740_994) == "9007199254740994")
        #expect(CanonicalJSON.format(-9_007_199_254_740_994) == "-9007199254740994")
        #expect(CanonicalJSON.format(1.5) == "1.5")
        #expect(CanonicalJSON.format(-0.0) == "0")
    }

    @Test("nested structures canonicalize recursively")
    func nested() {
        let value: JSONValue = ["b": [["z": 1, "a": 2]], "a": ["y": nil, "x": true]]
        #expect(CanonicalJSON.string(value) == #"{"a":{"x":true,"y":null},"b":[{"a":2,"z":1}]}"#)
    }
}
