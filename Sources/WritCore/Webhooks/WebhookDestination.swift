/// Whether a webhook may connect to an address (SSRF defence). Checked on every address a
/// destination resolves to, at delivery, and the connection is pinned to the address checked.
///
/// Only global unicast addresses are allowed: every block of the IANA IPv4 and IPv6
/// Special-Purpose Address Registries is refused (``SpecialPurposeBlocks``), as are multicast and,
/// for IPv6, anything outside 2000::/3. Forms that carry an IPv4 address (IPv4-mapped, NAT64
/// `64:ff9b::/96`, 6to4 `2002::/16`) are judged by the address they carry.
public enum WebhookDestination {
    /// Why an address is refused.
    public enum Refusal: String, Sendable, Equatable {
        /// Loopback, private, shared (CGNAT) or unique-local: the operator's own network.
        case privateNetwork = "private_network"
        /// Link-local, cloud metadata services included: refused even when private ones are allowed.
        case linkLocal = "link_local"
        /// Unspecified, multicast, broadcast, reserved, documentation, benchmarking or another
        /// special-purpose block: nothing a webhook can be sent to.
        case notUnicast = "not_unicast"
    }

    /// The refusal for a 4- or 16-byte address, or `nil` when a webhook may go there.
    public static func refusal(address bytes: [UInt8], allowPrivate: Bool) -> Refusal? {
        let kind: Refusal?
        switch bytes.count {
        case 4: kind = classifyV4(bytes)
        case 16: kind = classifyV6(bytes)
        default: return .notUnicast
        }
        if kind == .privateNetwork, allowPrivate { return nil }
        return kind
    }

    private static func classifyV4(_ address: [UInt8]) -> Refusal? {
        if address[0] >= 224 { return .notUnicast }  // multicast 224/4, reserved 240/4, broadcast
        return SpecialPurposeBlocks.v4.first { $0.contains(address) }?.refusal
    }

    private static func classifyV6(_ address: [UInt8]) -> Refusal? {
        if let embedded = SpecialPurposeBlocks.embeddedV4(in: address) { return classifyV4(embedded) }
        if let block = SpecialPurposeBlocks.v6.first(where: { $0.contains(address) }) { return block.refusal }
        // Global unicast is 2000::/3; the rest (site-local fec0::/10, IPv4-compatible ::/96,
        // multicast ff00::/8, unassigned space) is nothing a webhook is sent to.
        return address[0] & 0xe0 == 0x20 ? nil : .notUnicast
    }
}
