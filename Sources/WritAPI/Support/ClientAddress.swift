#if canImport(Glibc)
    import Glibc
#endif

/// A client's address as the throttles count it: one IPv4 address, or one IPv6 /64 (the block a
/// single subscriber is given, so trying every address of it counts as one client), in one
/// spelling whatever the proxy wrote — with or without a port, in any letter case or zero padding.
enum ClientAddress {
    /// The throttle key of `text` (`1.2.3.4`, `1.2.3.4:5678`, `2001:DB8::1`, `[2001:db8::1]:443`,
    /// `::ffff:1.2.3.4`), or `nil` when it is not an address.
    static func key(_ text: String) -> String? {
        var host = Substring(text.trimmingCharacters(in: [" ", "\t"]))
        if host.hasPrefix("["), let close = host.firstIndex(of: "]") {
            host = host[host.index(after: host.startIndex)..<close]
        } else if host.filter({ $0 == ":" }).count == 1, let colon = host.firstIndex(of: ":") {
            host = host[..<colon]  // IPv4 with a port
        }
        guard host.count <= 45, !host.contains("%") else { return nil }
        var v4 = [UInt8](repeating: 0, count: 4)
        if inet_pton(AF_INET, String(host), &v4) == 1 { return v4.map(String.init).joined(separator: ".") }
        var v6 = [UInt8](repeating: 0, count: 16)
        guard inet_pton(AF_INET6, String(host), &v6) == 1 else { return nil }
        if v6[0..<12].elementsEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]) {
            return v6[12...].map(String.init).joined(separator: ".")
        }
        let groups = stride(from: 0, to: 8, by: 2).map { String(UInt16(v6[$0]) << 8 | UInt16(v6[$0 + 1]), radix: 16) }
        return groups.joined(separator: ":") + "::/64"
    }
}
