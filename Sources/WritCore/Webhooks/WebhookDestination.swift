/// Whether a webhook may connect to an address (SSRF defence). Checked on every address a
/// destination resolves to, at delivery, and the connection is pinned to the address checked.
public enum WebhookDestination {
    /// Why an address is refused.
    public enum Refusal: String, Sendable, Equatable {
        /// Loopback, private, shared (CGNAT) or unique-local: the operator's own network.
        case privateNetwork = "private_network"
        /// Link-local, cloud metadata services included: refused even when private ones are allowed.
        case linkLocal = "link_local"
        /// Unspecified, multicast, broadcast or reserved: nothing a webhook can be sent to.
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

    private static func classifyV4(_ a: [UInt8]) -> Refusal? {
        switch (a[0], a[1]) {
        case (169, 254): return .linkLocal
        case (0, _), (224...255, _): return .notUnicast
        case (127, _), (10, _), (172, 16...31), (192, 168), (100, 64...127): return .privateNetwork
        case (192, 0) where a[2] == 0: return .privateNetwork  // IETF protocol assignments
        case (198, 18...19): return .privateNetwork  // benchmarking
        default: return nil
        }
    }

    private static func classifyV6(_ a: [UInt8]) -> Refusal? {
        let prefix = a[0..<12]
        // IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) addresses reach the IPv4 one.
        if prefix.elementsEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff])
            || prefix.elementsEqual([0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0]) {
            return classifyV4(Array(a[12..<16]))
        }
        if a.allSatisfy({ $0 == 0 }) { return .notUnicast }  // ::
        if a[0..<15].allSatisfy({ $0 == 0 }), a[15] == 1 { return .privateNetwork }  // ::1
        if a[0] == 0xfe, a[1] & 0xc0 == 0x80 { return .linkLocal }  // fe80::/10
        // fd00:ec2::254, the AWS metadata service over IPv6, is unique-local but a metadata address.
        if a == [0xfd, 0, 0x0e, 0xc2] + [UInt8](repeating: 0, count: 10) + [0x02, 0x54] { return .linkLocal }
        if a[0] & 0xfe == 0xfc { return .privateNetwork }  // fc00::/7
        if a[0] == 0xff { return .notUnicast }  // multicast
        return nil
    }
}
