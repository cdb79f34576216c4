/// A strict decoder for the CBOR subset WebAuthn needs (RFC 8949): definite lengths only; no tags,
/// floats or simple values but `false`, `true` and `null`; map keys that are integers or strings,
/// never repeated; nesting of at most `maxDepth` levels; no length beyond the input.
public struct CBORDecoder {
    /// How deep arrays and maps may nest.
    public static let maxDepth = 16

    private let bytes: [UInt8]
    private var index: Int

    /// Decodes exactly one data item; anything after it is an error.
    public static func decode(_ bytes: some Collection<UInt8>) throws(PasskeyError) -> CBORValue {
        let bytes = Array(bytes)
        let (value, end) = try decodePrefix(of: bytes, from: 0)
        guard end == bytes.count else { throw .malformedCBOR.detailed("\(bytes.count - end) bytes after the data item") }
        return value
    }

    /// Decodes the data item that starts at `start` in `bytes` and returns it with the index just
    /// past it (authenticator data holds a COSE key and extensions back to back).
    public static func decodePrefix(of bytes: [UInt8], from start: Int) throws(PasskeyError) -> (CBORValue, end: Int) {
        guard start >= 0, start <= bytes.count else { throw .malformedCBOR.detailed("start beyond the input") }
        var decoder = CBORDecoder(bytes: bytes, index: start)
        let value = try decoder.readValue(depth: 0)
        return (value, decoder.index)
    }

    private mutating func readValue(depth: Int) throws(PasskeyError) -> CBORValue {
        let initial = try readByte()
        let major = initial >> 5
        let argument = try readArgument(initial & 0x1f)
        switch major {
        case 0: return .unsigned(argument)
        case 1: return .negative(argument)
        case 2: return .bytes(try readBytes(argument))
        case 3:
            guard let text = String(validating: try readBytes(argument), as: UTF8.self) else {
                throw .malformedCBOR.detailed("a text string is not valid UTF-8")
            }
            return .text(text)
        case 4:
            let count = try containerCount(argument, itemsPerEntry: 1, depth: depth)
            var elements: [CBORValue] = []
            elements.reserveCapacity(min(count, 256))
            for _ in 0..<count { elements.append(try readValue(depth: depth + 1)) }
            return .array(elements)
        case 5:
            let count = try containerCount(argument, itemsPerEntry: 2, depth: depth)
            var entries: [CBORValue: CBORValue] = [:]
            entries.reserveCapacity(min(count, 256))
            for _ in 0..<count {
                let key = try readValue(depth: depth + 1)
                switch key {
                case .unsigned, .negative, .text, .bytes: break
                default: throw .malformedCBOR.detailed("a map key is neither an integer nor a string")
                }
                let value = try readValue(depth: depth + 1)
                guard entries.updateValue(value, forKey: key) == nil else { throw .malformedCBOR.detailed("a map key repeats") }
            }
            return .map(entries)
        case 6: throw .malformedCBOR.detailed("tags are not accepted")
        default:
            switch (initial & 0x1f, argument) {
            case (20, _): return .bool(false)
            case (21, _): return .bool(true)
            case (22, _): return .null
            default: throw .malformedCBOR.detailed("floats and simple values other than false, true and null are not accepted")
            }
        }
    }

    /// The argument of a head whose low five bits are `info`; indefinite lengths and reserved values are refused.
    private mutating func readArgument(_ info: UInt8) throws(PasskeyError) -> UInt64 {
        switch info {
        case 0..<24: return UInt64(info)
        case 24...27:
            var value: UInt64 = 0
            for _ in 0..<(1 << (info - 24)) { value = value << 8 | UInt64(try readByte()) }
            return value
        case 31: throw .malformedCBOR.detailed("indefinite lengths are not accepted")
        default: throw .malformedCBOR.detailed("reserved additional information \(info)")
        }
    }

    /// The element count of an array or map, refused when the input cannot hold that many items
    /// (each takes at least one byte) or the nesting is too deep.
    private func containerCount(_ argument: UInt64, itemsPerEntry: UInt64, depth: Int) throws(PasskeyError) -> Int {
        guard depth < Self.maxDepth else { throw .malformedCBOR.detailed("nesting deeper than \(Self.maxDepth) levels") }
        let remaining = UInt64(bytes.count - index)
        guard argument <= remaining / itemsPerEntry else { throw .malformedCBOR.detailed("a container longer than the input") }
        return Int(argument)
    }

    private mutating func readBytes(_ length: UInt64) throws(PasskeyError) -> [UInt8] {
        guard length <= UInt64(bytes.count - index) else { throw .malformedCBOR.detailed("a string longer than the input") }
        let end = index + Int(length)
        defer { index = end }
        return Array(bytes[index..<end])
    }

    private mutating func readByte() throws(PasskeyError) -> UInt8 {
        guard index < bytes.count else { throw .malformedCBOR.detailed("unexpected end of input") }
        defer { index += 1 }
        return bytes[index]
    }
}
