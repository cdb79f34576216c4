import Foundation
import Testing
import WritCore

#if canImport(Glibc)
    import Glibc
#endif

/// Webhook destinations against the IANA special-purpose registries, copied here as published
/// (https://www.iana.org/assignments/iana-ipv4-special-registry, …/iana-ipv6-special-registry),
/// independently of the table the server uses.
@Suite("Webhook destinations")
struct WebhookDestinationTests {
    /// Every entry of the IPv4 registry, plus multicast and limited broadcast.
    static let v4Registry = [
        "0.0.0.0/8", "0.0.0.0/32", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
        "192.0.0.0/24", "192.0.0.0/29", "192.0.0.8/32", "192.0.0.9/32", "192.0.0.10/32", "192.0.0.170/32", "192.0.0.171/32",
        "192.0.2.0/24", "192.31.196.0/24", "192.52.193.0/24", "192.88.99.0/24", "192.168.0.0/16", "192.175.48.0/24",
        "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "240.0.0.0/4", "255.255.255.255/32", "224.0.0.0/4",
    ]
    /// Every entry of the IPv6 registry but the three that carry an IPv4 address (tested below).
    static let v6Registry = [
        "::1/128", "::/128", "64:ff9b:1::/48", "100::/64", "100:0:0:1::/64", "2001::/23", "2001::/32", "2001:1::1/128",
        "2001:1::2/128", "2001:1::3/128", "2001:2::/48", "2001:3::/32", "2001:4:112::/48", "2001:10::/28", "2001:20::/28",
        "2001:30::/28", "2001:db8::/32", "2620:4f:8000::/48", "3fff::/20", "5f00::/16", "fc00::/7", "fe80::/10",
        // Outside the registry but not global unicast: site-local, IPv4-compatible, multicast.
        "fec0::/10", "::/96", "ff00::/8",
    ]

    static func bytes(_ text: String) -> [UInt8] {
        var v4 = [UInt8](repeating: 0, count: 4)
        if inet_pton(AF_INET, text, &v4) == 1 { return v4 }
        var v6 = [UInt8](repeating: 0, count: 16)
        precondition(inet_pton(AF_INET6, text, &v6) == 1, "not an address: \(text)")
        return v6
    }

    /// The first, a middle and the last address of a CIDR block.
    static func samples(_ cidr: String) -> [[UInt8]] {
        let parts = cidr.split(separator: "/")
        let first = bytes(String(parts[0]))
        let length = Int(parts[1])!
        var last = first
        var middle = first
        for bit in length..<(first.count * 8) {
            last[bit / 8] |= 0x80 >> UInt8(bit % 8)
            if bit % 3 == 1 { middle[bit / 8] |= 0x80 >> UInt8(bit % 8) }
        }
        return [first, middle, last]
    }

    @Test(
        "every address of every special-purpose block is refused, also where private ones are allowed (bar private networks)",
        arguments: v4Registry + v6Registry)
    func registry(_ cidr: String) {
        for address in Self.samples(cidr) {
            let refusal = WebhookDestination.refusal(address: address, allowPrivate: false)
            #expect(refusal != nil, "\(cidr): \(address)")
            if refusal != .privateNetwork {
                #expect(WebhookDestination.refusal(address: address, allowPrivate: true) != nil, "\(cidr): \(address)")
            }
        }
    }

    @Test("IPv4-mapped, NAT64 and 6to4 addresses are judged by the IPv4 address they carry")
    func embedded() {
        for (address, refused) in [
            ("::ffff:127.0.0.1", true), ("::ffff:192.0.2.2", true), ("::ffff:93.184.216.34", false),
            ("64:ff9b::7f00:1", true), ("64:ff9b::c000:202", true), ("64:ff9b::5db8:d822", false),
            ("2002:7f00:1::", true), ("2002:c000:202::1", true), ("2002:a9fe:a9fe::", true), ("2002:5db8:d822::1", false),
            ("64:ff9b:1::7f00:1", true), ("::127.0.0.1", true), ("fec0::1", true),
        ] {
            #expect((WebhookDestination.refusal(address: Self.bytes(address), allowPrivate: false) != nil) == refused, "\(address)")
        }
        #expect(WebhookDestination.refusal(address: Self.bytes("2002:a9fe:a9fe::"), allowPrivate: true) == .linkLocal)
    }

    @Test(
        "global unicast addresses are allowed",
        arguments: [
            "93.184.216.34", "8.8.8.8", "1.1.1.1", "172.32.0.1", "192.0.3.1", "198.20.0.1", "223.255.255.254",
            "2606:4700::1111", "2001:4860:4860::8888", "2a00:1450:4001::1", "2001:200::1",
        ])
    func global(_ address: String) {
        #expect(WebhookDestination.refusal(address: Self.bytes(address), allowPrivate: false) == nil)
    }
}
