import Foundation

/// A ZIP archive (PKWARE APPNOTE) written as a stream, for packs far larger than memory: each
/// entry is stored (not compressed) with its CRC-32 and sizes in a data descriptor after its
/// bytes, and the central directory comes last. No ZIP64: an archive stays under 4 GiB.
public struct ZipWriter: Sendable {
    /// The archive would pass 4 GiB.
    public struct TooLarge: Error, Sendable, CustomStringConvertible {
        public var description: String { "the archive would be larger than 4 GiB; ask for a shorter period" }
    }

    private struct Entry {
        let name: [UInt8]
        let offset: UInt32
        var crc: UInt32 = 0
        var size: UInt64 = 0
    }

    private var entries: [Entry] = []
    private var open: Entry?
    private var offset: UInt64 = 0
    private let time: UInt16
    private let date: UInt16

    /// - Parameter modified: the time every entry carries (MS-DOS resolution, UTC).
    public init(modified: Date) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: modified)
        time = UInt16((parts.hour ?? 0) << 11 | (parts.minute ?? 0) << 5 | (parts.second ?? 0) / 2)
        date = UInt16(max((parts.year ?? 1980) - 1980, 0) << 9 | (parts.month ?? 1) << 5 | (parts.day ?? 1))
    }

    /// The local header of a new entry; its bytes follow through ``write(_:)``.
    public mutating func start(_ name: String) throws -> [UInt8] {
        precondition(open == nil, "close the open entry first")
        guard offset < UInt64(UInt32.max) else { throw TooLarge() }
        let name = Array(name.utf8)
        open = Entry(name: name, offset: UInt32(offset))
        var header: [UInt8] = []
        header.le32(0x0403_4b50)
        header.le16(20)
        header.le16(0x0808)  // sizes in the data descriptor; UTF-8 names
        header.le16(0)  // stored
        header.le16(time)
        header.le16(date)
        header.append(contentsOf: [UInt8](repeating: 0, count: 12))  // CRC and sizes: in the descriptor
        header.le16(UInt16(name.count))
        header.le16(0)
        header.append(contentsOf: name)
        offset += UInt64(header.count)
        return header
    }

    /// Accounts for the next bytes of the open entry (the caller writes them); they pass unchanged.
    @discardableResult
    public mutating func write(_ bytes: [UInt8]) throws -> [UInt8] {
        precondition(open != nil, "start an entry first")
        open!.crc = CRC32.update(open!.crc, with: bytes)
        open!.size += UInt64(bytes.count)
        offset += UInt64(bytes.count)
        guard offset < UInt64(UInt32.max) else { throw TooLarge() }
        return bytes
    }

    /// The open entry's data descriptor.
    public mutating func close() -> [UInt8] {
        guard let entry = open else { preconditionFailure("no open entry") }
        open = nil
        entries.append(entry)
        var descriptor: [UInt8] = []
        descriptor.le32(0x0807_4b50)
        descriptor.le32(entry.crc)
        descriptor.le32(UInt32(entry.size))
        descriptor.le32(UInt32(entry.size))
        offset += UInt64(descriptor.count)
        return descriptor
    }

    /// The central directory and its end record: the archive's last bytes.
    public func finish() throws -> [UInt8] {
        precondition(open == nil, "close the open entry first")
        var directory: [UInt8] = []
        for entry in entries {
            directory.le32(0x0201_4b50)
            directory.le16(0x031e)  // made by: Unix, APPNOTE 3.0
            directory.le16(20)
            directory.le16(0x0808)
            directory.le16(0)
            directory.le16(time)
            directory.le16(date)
            directory.le32(entry.crc)
            directory.le32(UInt32(entry.size))
            directory.le32(UInt32(entry.size))
            directory.le16(UInt16(entry.name.count))
            directory.append(contentsOf: [UInt8](repeating: 0, count: 8))  // extra, comment, disk, internal attributes
            directory.le32(0o100644 << 16)  // a regular file, rw-r--r--
            directory.le32(entry.offset)
            directory.append(contentsOf: entry.name)
        }
        guard offset + UInt64(directory.count) < UInt64(UInt32.max) else { throw TooLarge() }
        var end = directory
        end.le32(0x0605_4b50)
        end.le32(0)
        end.le16(UInt16(entries.count))
        end.le16(UInt16(entries.count))
        end.le32(UInt32(directory.count))
        end.le32(UInt32(offset))
        end.le16(0)
        return end
    }
}

extension [UInt8] {
    mutating func le16(_ value: UInt16) { append(contentsOf: [UInt8(value & 0xff), UInt8(value >> 8)]) }
    mutating func le32(_ value: UInt32) { for shift in stride(from: 0, to: 32, by: 8) { append(UInt8((value >> UInt32(shift)) & 0xff)) } }
}
