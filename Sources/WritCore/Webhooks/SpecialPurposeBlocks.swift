/// The IANA IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890 and their updates, as
/// published in 2025), each block with the refusal a webhook to it gets. Blocks that the
/// registries mark globally reachable (AS112, AMT, the TURN and PCP anycasts) are refused too:
/// they are infrastructure, never an organisation's webhook receiver.
public enum SpecialPurposeBlocks {
    /// One address block: `prefix` bytes, of which the first `length` bits count.
    public struct Block: Sendable {
        public let prefix: [UInt8]
        public let length: Int
        public let refusal: WebhookDestination.Refusal

        init(_ prefix: [UInt8], _ length: Int, _ refusal: WebhookDestination.Refusal) {
            self.prefix = prefix
            self.length = length
            self.refusal = refusal
        }

        /// Whether `address` (of the block's family) lies inside the block.
        public func contains(_ address: [UInt8]) -> Bool {
            guard address.count == prefix.count else { return false }
            var bits = length
            for index in prefix.indices where bits > 0 {
                let mask: UInt8 = bits >= 8 ? 0xff : ~(0xff >> UInt8(bits))
                if address[index] & mask != prefix[index] & mask { return false }
                bits -= 8
            }
            return true
        }
    }

    /// The IPv4 registry, plus multicast (224.0.0.0/4) from the multicast registry.
    public static let v4: [Block] = [
        Block([0, 0, 0, 0], 8, .notUnicast),  // "this network"
        Block([10, 0, 0, 0], 8, .privateNetwork),  // private use
        Block([100, 64, 0, 0], 10, .privateNetwork),  // shared address space (CGNAT)
        Block([127, 0, 0, 0], 8, .privateNetwork),  // loopback
        Block([169, 254, 0, 0], 16, .linkLocal),  // link local, cloud metadata services
        Block([172, 16, 0, 0], 12, .privateNetwork),  // private use
        Block([192, 0, 0, 0], 24, .notUnicast),  // IETF protocol assignments (DS-Lite, NAT64 discovery, anycasts)
        Block([192, 0, 2, 0], 24, .notUnicast),  // documentation (TEST-NET-1)
        Block([192, 31, 196, 0], 24, .notUnicast),  // AS112-v4
        Block([192, 52, 193, 0], 24, .notUnicast),  // AMT
        Block([192, 88, 99, 0], 24, .notUnicast),  // deprecated 6to4 relay anycast
        Block([192, 168, 0, 0], 16, .privateNetwork),  // private use
        Block([192, 175, 48, 0], 24, .notUnicast),  // direct delegation AS112 service
        Block([198, 18, 0, 0], 15, .notUnicast),  // benchmarking
        Block([198, 51, 100, 0], 24, .notUnicast),  // documentation (TEST-NET-2)
        Block([203, 0, 113, 0], 24, .notUnicast),  // documentation (TEST-NET-3)
        Block([224, 0, 0, 0], 4, .notUnicast),  // multicast
        Block([240, 0, 0, 0], 4, .notUnicast),  // reserved, limited broadcast
    ]

    /// The IPv6 registry, less the forms judged by the IPv4 address they carry (``embeddedV4(in:)``).
    public static let v6: [Block] = [
        Block(v6([]), 128, .notUnicast),  // unspecified
        Block(v6([], tail: [1]), 128, .privateNetwork),  // loopback
        Block(v6([0x00, 0x64, 0xff, 0x9b, 0x00, 0x01]), 48, .privateNetwork),  // local-use IPv4/IPv6 translation
        Block(v6([0x01, 0x00]), 64, .notUnicast),  // discard-only
        Block(v6([0x01, 0x00, 0, 0, 0, 0, 0, 0x01]), 64, .notUnicast),  // dummy prefix
        Block(v6([0x20, 0x01]), 23, .notUnicast),  // IETF protocol assignments (Teredo, ORCHID, benchmarking, AMT, …)
        Block(v6([0x20, 0x01, 0x0d, 0xb8]), 32, .notUnicast),  // documentation
        Block(v6([0x26, 0x20, 0x00, 0x4f, 0x80, 0x00]), 48, .notUnicast),  // direct delegation AS112 service
        Block(v6([0x3f, 0xff]), 20, .notUnicast),  // documentation
        Block(v6([0x5f, 0x00]), 16, .notUnicast),  // segment routing (SRv6) SIDs
        // The AWS metadata service over IPv6: unique-local, but a metadata address.
        Block(v6([0xfd, 0x00, 0x0e, 0xc2], tail: [0x02, 0x54]), 128, .linkLocal),
        Block(v6([0xfc]), 7, .privateNetwork),  // unique local
        Block(v6([0xfe, 0x80]), 10, .linkLocal),  // link-scoped unicast
        Block(v6([0xff]), 8, .notUnicast),  // multicast
    ]

    /// The IPv4 address an IPv4-mapped (`::ffff:0:0/96`), NAT64 (`64:ff9b::/96`) or 6to4
    /// (`2002::/16`) address carries; `nil` for any other address.
    public static func embeddedV4(in address: [UInt8]) -> [UInt8]? {
        guard address.count == 16 else { return nil }
        if address[0..<12].elementsEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff])
            || address[0..<12].elementsEqual([0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0])
        {
            return Array(address[12..<16])
        }
        if address[0] == 0x20, address[1] == 0x02 { return Array(address[2..<6]) }
        return nil
    }

    /// A 16-byte address: `head`, zeros, then `tail`.
    private static func v6(_ head: [UInt8], tail: [UInt8] = []) -> [UInt8] {
        head + [UInt8](repeating: 0, count: 16 - head.count - tail.count) + tail
    }
}
