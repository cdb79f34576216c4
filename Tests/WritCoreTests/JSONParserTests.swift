import Testing
import WritCore

@Suite("Strict JSON parser", .timeLimit(.minutes(3)))
struct JSONParserTests {
    @Test("parses every JSON type")
    func parsesTypes() throws {
        let value = try JSONParser.parse(#" {"a": [1, -2.5e3, true, false, null, "x\n\u00e9\ud83d\ude00"], "b": {}} "#)
        #expect(value == ["a": [1, -2500, true, false, nil, "x\né😀"], "b": .object([:])])
    }

    @Test(
        "refuses what RFC 8259 and I-JSON refuse",
        arguments: [
            "", "{", "[1,]", "{\"a\":1,}", "01", "1.", ".5", "-", "+1", "1e", "NaN", "Infinity", "tru", "nul",
            "\"\\x\"", "\"a\nb\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"", "{\"a\":1,\"a\":2}",
            "[1] [2]", "{'a':1}", "1e400", "\"\\u12\"", "{\"a\" 1}", "[1 2]",
        ])
    func refusesInvalid(text: String) {
        #expect(throws: JSONParser.ParseError.self) { try JSONParser.parse(text) }
    }

    @Test("refuses invalid UTF-8 inside strings")
    func invalidUTF8() {
        let bytes: [UInt8] = [UInt8(ascii: "\"")] + [0xff, 0xfe] + [UInt8(ascii: "\"")]
        #expect(throws: JSONParser.ParseError.self) { try JSONParser.parse(bytes) }
    }

    @Test("nesting beyond the limit is refused, not a stack overflow")
    func depthLimit() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParser.ParseError.self) { try JSONParser.parse(deep) }
        let ok = String(repeating: "[", count: 32) + String(repeating: "]", count: 32)
        #expect(try JSONParser.parse(ok, maxDepth: 32).arrayValue?.count == 1)
        let tooDeep = String(repeating: "[", count: 33) + String(repeating: "]", count: 33)
        #expect(throws: JSONParser.ParseError.self) { try JSONParser.parse(tooDeep, maxDepth: 32) }
    }

    @Test("the error names the byte offset")
    func errorOffset() {
        do {
            _ = try JSONParser.parse(#"{"a": tru}"#)
            Issue.record("accepted an invalid literal")
        } catch {
            #expect(error.offset == 6)
        }
    }
}
