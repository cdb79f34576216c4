import Foundation
import WritCrypto

/// Time-ordered UUIDs (RFC 9562 version 7), so new rows append to the end of their index.
public enum UUIDv7 {
    /// A new UUIDv7: 48-bit Unix milliseconds, then 74 random bits.
    public static func make(at date: Date = Date()) -> UUID {
        var bytes = SecureRandom.bytes(16)
        let milliseconds = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: milliseconds >> UInt64(8 * (5 - index))) }
        bytes[6] = 0x70 | (bytes[6] & 0x0f)
        bytes[8] = 0x80 | (bytes[8] & 0x3f)
        return UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            ))
    }
}
