import Foundation
import NIOPosix
import WritCore

#if canImport(Glibc)
    import Glibc
#endif

/// Resolves a webhook's host and checks every address it resolves to (SSRF defence); the sender
/// then connects to the address checked, never to a second lookup's answer.
struct WebhookResolver: Sendable {
    /// Why a destination cannot be used.
    struct Refused: Error, CustomStringConvertible {
        let description: String
    }

    /// Whether loopback, private and shared addresses are allowed (link-local never is).
    let allowPrivate: Bool

    /// The address to connect to for `host`, as text; throws when the name does not resolve or
    /// any address it resolves to is refused (a name that mixes public and private answers is
    /// refused whole, so DNS cannot choose for us).
    func address(for host: String, port: Int) async throws -> String {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        // The tenant learns only that the destination was refused: not what an internal name
        // resolves to, and not even whether it resolves (that would map the operator's DNS).
        let refused = Refused(description: "\(host): refused destination (no public address)")
        let addresses = (try? await NIOThreadPool.singleton.runIfActive { try Self.resolve(bare, port: port) }) ?? []
        guard let first = addresses.first else { throw refused }
        for address in addresses where WebhookDestination.refusal(address: address, allowPrivate: allowPrivate) != nil {
            throw refused
        }
        return Self.text(first)
    }

    /// Every address of `host` (blocking: run it off the concurrency pool).
    private static func resolve(_ host: String, port: Int) throws -> [[UInt8]] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var results: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &results) == 0, let first = results else {
            throw Refused(description: "\(host) does not resolve")
        }
        defer { freeaddrinfo(results) }
        var addresses: [[UInt8]] = []
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry, let socketAddress = info.pointee.ai_addr {
            switch info.pointee.ai_family {
            case AF_INET:
                var address = socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
                addresses.append(withUnsafeBytes(of: &address) { Array($0) })
            case AF_INET6:
                var address = socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
                addresses.append(withUnsafeBytes(of: &address) { Array($0) })
            default: break
            }
            entry = info.pointee.ai_next
        }
        return addresses
    }

    /// The bytes of a literal IPv4 or IPv6 address (brackets allowed), `nil` for a name. IPv4 is
    /// read as the resolver reads it (`inet_aton`: `127.1`, `0x7f.1`, `2130706433`, `0177.0.0.1`).
    static func literal(_ host: String) -> [UInt8]? {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        var address = in_addr()
        if inet_aton(bare, &address) != 0 { return withUnsafeBytes(of: &address) { Array($0) } }
        var v6 = [UInt8](repeating: 0, count: 16)
        if inet_pton(AF_INET6, bare, &v6) == 1 { return v6 }
        return nil
    }

    /// An address in its usual text form.
    static func text(_ address: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = address.count == 4 ? AF_INET : AF_INET6
        _ = address.withUnsafeBytes { inet_ntop(family, $0.baseAddress, &buffer, socklen_t(buffer.count)) }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
