/// Reads a ZIP archive of stored entries (as ``ZipWriter`` makes them) from its bytes, checking
/// each entry's CRC-32 (entries that fail are listed in ``damaged`` and still readable, so a
/// verifier can say what in them is wrong). Anything else — compression, ZIP64, encryption, a
/// damaged structure — is refused with what is wrong.
public struct ZipReader: Sendable {
    /// The archive cannot be read.
    public struct Invalid: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// The entries by name, in archive order.
    public let names: [String]
    /// Entries whose bytes do not match their CRC-32.
    public let damaged: Set<String>
    private let ranges: [String: Range<Int>]
    private let bytes: [UInt8]

    public init(_ bytes: [UInt8]) throws(Invalid) {
        self.bytes = bytes
        guard bytes.count >= 22,
            let end = stride(from: bytes.count - 22, through: max(0, bytes.count - 65_557), by: -1)
                .first(where: { Self.u32(bytes, $0) == 0x0605_4b50 })
        else { throw Invalid(description: "not a ZIP archive (no end of central directory)") }
        let count = Int(Self.u16(bytes, end + 10))
        var position = Int(Self.u32(bytes, end + 16))
        var names: [String] = []
        var ranges: [String: Range<Int>] = [:]
        var damaged: Set<String> = []
        for _ in 0..<count {
            guard position + 46 <= bytes.count, Self.u32(bytes, position) == 0x0201_4b50 else {
                throw Invalid(description: "damaged central directory")
            }
            let method = Self.u16(bytes, position + 10)
            let crc = Self.u32(bytes, position + 16)
            let size = Int(Self.u32(bytes, position + 20))
            let stored = Int(Self.u32(bytes, position + 24))
            let nameLength = Int(Self.u16(bytes, position + 28))
            let skip = nameLength + Int(Self.u16(bytes, position + 30)) + Int(Self.u16(bytes, position + 32))
            let local = Int(Self.u32(bytes, position + 42))
            guard position + 46 + nameLength <= bytes.count,
                let name = String(validating: bytes[(position + 46)..<(position + 46 + nameLength)], as: UTF8.self)
            else { throw Invalid(description: "damaged entry name") }
            guard method == 0, size == stored else { throw Invalid(description: "\(name): compressed entries are not read") }
            guard local + 30 <= bytes.count, Self.u32(bytes, local) == 0x0403_4b50 else {
                throw Invalid(description: "\(name): damaged local header")
            }
            let start = local + 30 + Int(Self.u16(bytes, local + 26)) + Int(Self.u16(bytes, local + 28))
            guard start + size <= bytes.count else { throw Invalid(description: "\(name): truncated") }
            if CRC32.update(0, with: bytes[start..<(start + size)]) != crc { damaged.insert(name) }
            guard ranges[name] == nil else { throw Invalid(description: "\(name) appears twice") }
            names.append(name)
            ranges[name] = start..<(start + size)
            position += 46 + skip
        }
        self.names = names
        self.ranges = ranges
        self.damaged = damaged
    }

    /// An entry's bytes, or `nil` when there is no such entry.
    public func entry(_ name: String) -> ArraySlice<UInt8>? {
        ranges[name].map { bytes[$0] }
    }

    private static func u16(_ bytes: [UInt8], _ at: Int) -> UInt16 {
        guard at + 2 <= bytes.count else { return 0 }
        return UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8
    }

    private static func u32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        guard at + 4 <= bytes.count else { return 0 }
        return (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[at + $1]) << (8 * UInt32($1)) }
    }
}
