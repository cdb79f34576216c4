/// RFC 8785 JSON Canonicalization Scheme (JCS): the exact bytes that are hashed and signed.
public enum CanonicalJSON {
    /// The canonical UTF-8 bytes of `value`.
    public static func bytes(_ value: JSONValue) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(256)
        write(value, into: &output)
        return output
    }

    /// The canonical bytes of an object whose member values are canonical bytes already (spliced
    /// in as given), so a large member canonicalized once is never canonicalized again.
    public static func object(canonicalMembers members: [String: [UInt8]]) -> [UInt8] {
        var output: [UInt8] = [UInt8(ascii: "{")]
        output.reserveCapacity(members.values.reduce(16) { $0 + $1.count + 16 })
        for (position, member) in members.sorted(by: { precedes($0.key, $1.key) }).enumerated() {
            if position > 0 { output.append(UInt8(ascii: ",")) }
            writeString(member.key, into: &output)
            output.append(UInt8(ascii: ":"))
            output.append(contentsOf: member.value)
        }
        output.append(UInt8(ascii: "}"))
        return output
    }

    /// The canonical form as a string.
    public static func string(_ value: JSONValue) -> String {
        String(decoding: bytes(value), as: UTF8.self)
    }

    private static func write(_ value: JSONValue, into output: inout [UInt8]) {
        switch value {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let flag): output.append(contentsOf: (flag ? "true" : "false").utf8)
        case .number(let number): output.append(contentsOf: format(number).utf8)
        case .string(let text): writeString(text, into: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                write(element, into: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            // Members are ordered by their names' UTF-16 code units, as RFC 8785 §3.2.3 requires.
            let ordered = members.sorted { precedes($0.key, $1.key) }
            for (position, member) in ordered.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                writeString(member.key, into: &output)
                output.append(UInt8(ascii: ":"))
                write(member.value, into: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// Whether member name `a` sorts before `b` by UTF-16 code units (RFC 8785 §3.2.3). UTF-8 bytes
    /// sort as code points do, which differs from UTF-16 only between U+E000–U+FFFF and the
    /// supplementary planes; names without such characters (no byte of 0xEE or more) are compared
    /// as UTF-8 bytes, without decoding them.
    static func precedes(_ a: String, _ b: String) -> Bool {
        let decided = a.utf8.withContiguousStorageIfAvailable { first in
            b.utf8.withContiguousStorageIfAvailable { second -> Bool? in
                guard first.allSatisfy({ $0 < 0xEE }), second.allSatisfy({ $0 < 0xEE }) else { return nil }
                return first.lexicographicallyPrecedes(second)
            } ?? nil
        }
        return (decided ?? nil) ?? a.utf16.lexicographicallyPrecedes(b.utf16)
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Writes `text` quoted; runs of bytes that need no escape are copied whole.
    private static func writeString(_ text: String, into output: inout [UInt8]) {
        var text = text
        output.append(UInt8(ascii: "\""))
        text.withUTF8 { bytes in
            var runStart = 0
            for (index, byte) in bytes.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                writeEscape(byte, into: &output)
                runStart = index + 1
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
        }
        output.append(UInt8(ascii: "\""))
    }

    private static func writeEscape(_ byte: UInt8, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): output.append(byte)
        case 0x08: output.append(UInt8(ascii: "b"))
        case 0x09: output.append(UInt8(ascii: "t"))
        case 0x0A: output.append(UInt8(ascii: "n"))
        case 0x0C: output.append(UInt8(ascii: "f"))
        case 0x0D: output.append(UInt8(ascii: "r"))
        default:
            output.append(contentsOf: [
                UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0f)],
            ])
        }
    }

    /// ECMAScript's Number.prototype.toString for a finite double (RFC 8785 §3.2.2.3).
    public static func format(_ number: Double) -> String {
        precondition(number.isFinite, "JSON numbers are finite")
        if number == 0 { return "0" }
        // Integers up to 2^53 are exact and print as their digits (below 1e21: no exponent).
        if abs(number) <= 9_007_199_254_740_992, number.rounded(.towardZero) == number { return String(Int64(number)) }
        let (digits, pointPosition) = shortestDigits(abs(number))
        let sign = number < 0 ? "-" : ""
        let k = digits.count
        let n = pointPosition
        if k <= n && n <= 21 {
            return sign + digits + String(repeating: "0", count: n - k)
        }
        if 0 < n && n <= 21 {
            return sign + digits.prefix(n) + "." + digits.dropFirst(n)
        }
        if -6 < n && n <= 0 {
            return sign + "0." + String(repeating: "0", count: -n) + digits
        }
        let exponent = n - 1
        let exponentText = (exponent < 0 ? "-" : "+") + String(abs(exponent))
        let mantissa = k == 1 ? digits : digits.prefix(1) + "." + digits.dropFirst()
        return sign + mantissa + "e" + exponentText
    }

    /// The shortest round-tripping decimal digits of a positive double and the position of the
    /// decimal point (value = 0.digits × 10^position), taken from Swift's shortest representation.
    private static func shortestDigits(_ value: Double) -> (String, Int) {
        let description = value.description
        let parts = description.split(separator: "e", maxSplits: 1)
        let exponent = parts.count == 2 ? Int(parts[1])! : 0
        let mantissa = parts[0]
        let integerPart: Substring
        let fractionPart: Substring
        if let dot = mantissa.firstIndex(of: ".") {
            integerPart = mantissa[..<dot]
            fractionPart = mantissa[mantissa.index(after: dot)...]
        } else {
            integerPart = mantissa
            fractionPart = ""
        }
        var digits = Substring(String(integerPart) + String(fractionPart))
        var position = integerPart.count + exponent
        while digits.first == "0" {
            digits = digits.dropFirst()
            position -= 1
        }
        while digits.last == "0" { digits = digits.dropLast() }
        return (String(digits), position)
    }
}
