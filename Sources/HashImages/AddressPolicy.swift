import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Which network addresses a picture may be fetched from. By default only
/// public unicast addresses: loopback, private (RFC 1918, fc00::/7),
/// link-local, carrier-grade NAT, multicast, documentation, benchmarking,
/// "this network" and reserved ranges are refused, also when an IPv6 address
/// embeds one (v4-mapped, NAT64, 6to4).
public struct AddressPolicy: Sendable {
    public var allowPrivateAddresses: Bool
    /// Addresses allowed although special (e.g. `127.0.0.1` for a local test server), as printed by inet_ntop.
    public var allowedAddresses: Set<String>
    /// Fixed answers for some names (address literals), used instead of getaddrinfo, as a hosts
    /// file would be. Tests use it to show that a fetch connects to the address checked here:
    /// no one else can resolve such a name.
    public var hosts: [String: [String]]

    public init(allowPrivateAddresses: Bool = false, allowedAddresses: Set<String> = [], hosts: [String: [String]] = [:]) {
        self.allowPrivateAddresses = allowPrivateAddresses
        self.allowedAddresses = allowedAddresses
        self.hosts = hosts
    }

    /// Resolves `host` with getaddrinfo and checks every address it resolves to.
    /// Returns the addresses (for the caller's log); throws `.refused` naming the first bad one.
    @discardableResult
    public func check(host: String) throws(PictureError) -> [String] {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        var addresses: [Address] = []
        if let literals = hosts[bare.lowercased()] {
            for literal in literals { addresses.append(try AddressPolicy.parse(literal)) }
        } else {
            addresses = try AddressPolicy.resolve(bare)
        }
        guard !allowPrivateAddresses else { return addresses.map(\.text) }
        for address in addresses where !allowedAddresses.contains(address.text) {
            if let reason = AddressPolicy.specialUse(address.bytes) {
                throw .refused("\(host) resolves to \(address.text), a \(reason) address; only public addresses are fetched unless private addresses are allowed in the configuration")
            }
        }
        return addresses.map(\.text)
    }

    struct Address { var bytes: [UInt8]; var text: String }

    /// An IPv4 or IPv6 literal, printed back as inet_ntop does.
    static func parse(_ literal: String) throws(PictureError) -> Address {
        var v4 = in_addr()
        if inet_pton(AF_INET, literal, &v4) == 1 {
            let bytes = withUnsafeBytes(of: v4) { Array($0) }
            return Address(bytes: bytes, text: bytes.map(String.init).joined(separator: "."))
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, literal, &v6) == 1 else { throw .fetch("not an IP address: \(literal)") }
        let bytes = withUnsafeBytes(of: v6) { Array($0) }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        _ = bytes.withUnsafeBytes { inet_ntop(AF_INET6, $0.baseAddress, &text, socklen_t(text.count)) }
        return Address(bytes: bytes, text: String(cString: text))
    }

    static func resolve(_ host: String) throws(PictureError) -> [Address] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &result)
        guard status == 0, let first = result else {
            throw .fetch("cannot resolve host \(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(first) }
        var out: [Address] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            if info.pointee.ai_family == AF_INET, let raw = info.pointee.ai_addr {
                let bytes = raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                    withUnsafeBytes(of: pointer.pointee.sin_addr) { Array($0) }
                }
                out.append(Address(bytes: bytes, text: bytes.map(String.init).joined(separator: ".")))
            } else if info.pointee.ai_family == AF_INET6, let raw = info.pointee.ai_addr {
                let bytes = raw.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                    withUnsafeBytes(of: pointer.pointee.sin6_addr) { Array($0) }
                }
                var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
                _ = bytes.withUnsafeBytes { inet_ntop(AF_INET6, $0.baseAddress, &text, socklen_t(text.count)) }
                out.append(Address(bytes: bytes, text: String(cString: text)))
            }
            cursor = info.pointee.ai_next
        }
        guard !out.isEmpty else { throw .fetch("host \(host) has no IPv4 or IPv6 address") }
        return out
    }

    /// Why an address is not public unicast, or nil when it is.
    public static func specialUse(_ b: [UInt8]) -> String? {
        if b.count == 4 { return specialUseV4(b) }
        guard b.count == 16 else { return "malformed" }
        if b.allSatisfy({ $0 == 0 }) { return "unspecified" }
        if b[0..<15].allSatisfy({ $0 == 0 }) && b[15] == 1 { return "loopback" }
        if b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xff && b[11] == 0xff { return specialUseV4(Array(b[12..<16])) }
        if b[0..<12].allSatisfy({ $0 == 0 }) { return "IPv4-compatible (deprecated)" }
        if b[0] == 0x00, b[1] == 0x64, b[2] == 0xff, b[3] == 0x9b { return specialUseV4(Array(b[12..<16])) ?? nil }
        if b[0] == 0x20, b[1] == 0x02 { return specialUseV4(Array(b[2..<6])) }
        if b[0] & 0xfe == 0xfc { return "private (unique local)" }
        if b[0] == 0xfe, b[1] & 0xc0 == 0x80 { return "link-local" }
        if b[0] == 0xfe, b[1] & 0xc0 == 0xc0 { return "site-local" }
        if b[0] == 0xff { return "multicast" }
        if b[0] == 0x20, b[1] == 0x01, b[2] == 0x0d, b[3] == 0xb8 { return "documentation" }
        if b[0] == 0x20, b[1] == 0x01, b[2] == 0x00, b[3] == 0x00 { return "Teredo" }
        if b[0] == 0x01, b[1..<8].allSatisfy({ $0 == 0 }) { return "discard-only" }
        return nil
    }

    static func specialUseV4(_ b: [UInt8]) -> String? {
        switch (b[0], b[1], b[2]) {
        case (0, _, _): return "\"this network\""
        case (10, _, _): return "private"
        case (100, 64...127, _): return "carrier-grade NAT"
        case (127, _, _): return "loopback"
        case (169, 254, _): return "link-local"
        case (172, 16...31, _): return "private"
        case (192, 0, 0): return "IETF protocol assignment"
        case (192, 0, 2), (198, 51, 100), (203, 0, 113): return "documentation"
        case (192, 88, 99): return "6to4 relay"
        case (192, 168, _): return "private"
        case (198, 18...19, _): return "benchmarking"
        case (224...239, _, _): return "multicast"
        case (240...255, _, _): return "reserved"
        default: return nil
        }
    }
}
