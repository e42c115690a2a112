import Foundation

import TouchstoneCore

/// The product ids a URL points at, in the form the target platform's items
/// carry as `item_id`: Amazon `/dp/ASIN` and `/gp/product/ASIN`, eBay
/// `/itm/ID` (as `v1|ID|0`), Etsy `/listing/ID`, AliExpress `/item/ID.html`,
/// Shopify `/products/HANDLE` (as `domain/products/handle`). Short links
/// (`amzn.to/...`) cannot be resolved offline and yield nothing.
public enum ProductLinks {
    public struct ParsedURL: Sendable {
        /// Lower-cased host without a leading `www.`.
        public var host: String
        /// Path segments, percent-encoding kept.
        public var segments: [Substring]
        public var query: Substring
    }

    /// Splits `scheme://host/path?query` (scheme optional) without Foundation.
    public static func parse(_ url: String) -> ParsedURL? {
        // ASCII URLs (nearly all) are split on bytes; others take the Character-based path,
        // whose grapheme rules (a combining mark after '/') bytes would not follow.
        let fast: ParsedURL?? = url.withBytes { bytes -> ParsedURL?? in
            guard allASCII(bytes) else { return .none }
            return .some(parseASCII(url, bytes))
        }
        if let fast { return fast }
        return parseUnicode(url)
    }

    static func parseASCII(_ url: String, _ b: UnsafeBufferPointer<UInt8>) -> ParsedURL? {
        let n = b.count
        var start = 0
        if let colon = b.firstIndex(of: UInt8(ascii: ":")), colon + 3 <= n, b[colon + 1] == UInt8(ascii: "/"), b[colon + 2] == UInt8(ascii: "/") {
            let isHTTP = colon == 4 && b[0] | 0x20 == UInt8(ascii: "h") && b[1] | 0x20 == UInt8(ascii: "t") && b[2] | 0x20 == UInt8(ascii: "t")
                && b[3] | 0x20 == UInt8(ascii: "p")
            let isHTTPS = colon == 5 && b[0] | 0x20 == UInt8(ascii: "h") && b[1] | 0x20 == UInt8(ascii: "t") && b[2] | 0x20 == UInt8(ascii: "t")
                && b[3] | 0x20 == UInt8(ascii: "p") && b[4] | 0x20 == UInt8(ascii: "s")
            guard isHTTP || isHTTPS else { return nil }
            start = colon + 3
        } else if n >= 2, b[0] == UInt8(ascii: "/"), b[1] == UInt8(ascii: "/") {
            start = 2
        }
        var hostEnd = start
        while hostEnd < n, b[hostEnd] != UInt8(ascii: "/"), b[hostEnd] != UInt8(ascii: "?"), b[hostEnd] != UInt8(ascii: "#") { hostEnd += 1 }
        var hostStart = start
        var hostStop = hostEnd
        var k = hostEnd
        while k > start { k -= 1; if b[k] == UInt8(ascii: "@") { hostStart = k + 1; break } }
        k = hostStop
        while k > hostStart { k -= 1; if b[k] == UInt8(ascii: ":") { hostStop = k; break } }
        // (Takes the bounds as arguments: capturing the vars cost exclusivity checks.)
        func prefixed(_ p: StaticString, _ hostStart: Int, _ hostStop: Int) -> Bool {
            let count = p.utf8CodeUnitCount
            guard hostStop - hostStart >= count else { return false }
            for i in 0..<count where b[hostStart + i] | (b[hostStart + i] >= 0x41 && b[hostStart + i] <= 0x5a ? 0x20 : 0) != p.utf8Start[i] { return false }
            return true
        }
        if prefixed("www.", hostStart, hostStop) { hostStart += 4 }
        if prefixed("m.", hostStart, hostStop) { hostStart += 2 }
        guard hostStart < hostStop, b[hostStart..<hostStop].contains(UInt8(ascii: ".")) else { return nil }
        let host = String(unsafeUninitializedCapacity: hostStop - hostStart) { out in
            for i in hostStart..<hostStop { out[i - hostStart] = b[i] >= 0x41 && b[i] <= 0x5a ? b[i] | 0x20 : b[i] }
            return hostStop - hostStart
        }
        var end = hostEnd
        while end < n, b[end] != UInt8(ascii: "#") { end += 1 }
        var pathEnd = hostEnd
        while pathEnd < end, b[pathEnd] != UInt8(ascii: "?") { pathEnd += 1 }
        let utf8 = url.utf8
        func index(_ offset: Int) -> String.Index { utf8.index(utf8.startIndex, offsetBy: offset) }
        var segments: [Substring] = []
        segments.reserveCapacity(b[hostEnd..<pathEnd].reduce(0) { $1 == UInt8(ascii: "/") ? $0 + 1 : $0 })
        var s = hostEnd
        while s < pathEnd {
            while s < pathEnd, b[s] == UInt8(ascii: "/") { s += 1 }
            guard s < pathEnd else { break }
            var e = s
            while e < pathEnd, b[e] != UInt8(ascii: "/") { e += 1 }
            segments.append(url[index(s)..<index(e)])
            s = e
        }
        let query: Substring = pathEnd < end ? url[index(pathEnd + 1)..<index(end)] : ""
        return ParsedURL(host: host, segments: segments, query: query)
    }

    static func parseUnicode(_ url: String) -> ParsedURL? {
        var rest = Substring(url)
        if let colon = rest.utf8.firstIndex(of: UInt8(ascii: ":")), rest.utf8[colon...].starts(with: "://".utf8) {
            let name = rest[..<colon].lowercased()
            guard name == "http" || name == "https" else { return nil }
            rest = rest[rest.utf8.index(colon, offsetBy: 3)...]
        } else if rest.hasPrefix("//") {
            rest = rest.dropFirst(2)
        }
        let hostEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        var host = rest[..<hostEnd].lowercased()
        if let at = host.lastIndex(of: "@") { host = String(host[host.index(after: at)...]) }
        if let colon = host.lastIndex(of: ":") { host = String(host[..<colon]) }
        if host.hasPrefix("www.") { host.removeFirst(4) }
        if host.hasPrefix("m.") { host.removeFirst(2) }
        guard host.contains("."), !host.isEmpty else { return nil }
        var pathAndQuery = rest[hostEnd...]
        if let hash = pathAndQuery.firstIndex(of: "#") { pathAndQuery = pathAndQuery[..<hash] }
        var path = pathAndQuery
        var query: Substring = ""
        if let q = pathAndQuery.firstIndex(of: "?") {
            path = pathAndQuery[..<q]
            query = pathAndQuery[pathAndQuery.index(after: q)...]
        }
        return ParsedURL(host: host, segments: path.split(separator: "/"), query: query)
    }

    /// `true` for a host that is the domain or one of its subdomains.
    static func hostIs(_ host: String, under domain: String) -> Bool {
        // ASCII: bytes compare as Strings do (a '.' always starts a Character there).
        let onBytes = host.utf8.withContiguousStorageIfAvailable { h -> Bool? in
            domain.utf8.withContiguousStorageIfAvailable { d -> Bool? in
                guard allASCII(h), allASCII(d) else { return nil }
                if h.count == d.count { return h.elementsEqual(d) }
                return h.count > d.count && h[h.count - d.count - 1] == UInt8(ascii: ".") && h[(h.count - d.count)...].elementsEqual(d)
            } ?? nil
        }
        if let onBytes, let onBytes { return onBytes }
        return host == domain || host.hasSuffix("." + domain)
    }

    /// Whether the host belongs to a marketplace (`amazon.co.uk`, `ebay.de`, ...).
    static func hostIs(_ host: String, brand: String) -> Bool {
        let utf8 = host.utf8
        if utf8.allSatisfy({ $0 < 0x80 }) {
            // One dot-separated label equal to the brand, compared on bytes without splitting.
            var start = utf8.startIndex
            var i = start
            while true {
                if i == utf8.endIndex || utf8[i] == UInt8(ascii: ".") {
                    if utf8[start..<i].elementsEqual(brand.utf8) { return true }
                    if i == utf8.endIndex { return false }
                    start = utf8.index(after: i)
                }
                i = utf8.index(after: i)
            }
        }
        let labels = host.split(separator: ".")
        return labels.contains { $0 == brand }
    }

    public static func products(in url: String) -> [ProductRef] {
        guard let parsed = parse(url) else { return [] }
        return products(in: parsed)
    }

    /// Marketplaces, by a label of the host (`amazon` in `amazon.co.uk`).
    struct Brands: OptionSet {
        let rawValue: UInt16
        static let amazon = Brands(rawValue: 1 << 0)
        static let ebay = Brands(rawValue: 1 << 1)
        static let etsy = Brands(rawValue: 1 << 2)
        static let aliexpress = Brands(rawValue: 1 << 3)
        static let instagram = Brands(rawValue: 1 << 4)
        static let tiktok = Brands(rawValue: 1 << 5)
        static let pinterest = Brands(rawValue: 1 << 6)
        static let twitter = Brands(rawValue: 1 << 7)
        static let x = Brands(rawValue: 1 << 8)
        static let facebook = Brands(rawValue: 1 << 9)
        static let all: [(String, Brands)] = [
            ("amazon", .amazon), ("ebay", .ebay), ("etsy", .etsy), ("aliexpress", .aliexpress), ("instagram", .instagram),
            ("tiktok", .tiktok), ("pinterest", .pinterest), ("twitter", .twitter), ("x", .x), ("facebook", .facebook),
        ]
        /// Hosts whose `/products/` links are not Shopify shops.
        static let marketplaces: Brands = [.amazon, .ebay, .etsy, .aliexpress, .instagram, .tiktok, .pinterest, .twitter, .x, .facebook]
    }

    /// The brands among the host's labels: one pass over an ASCII host, else `hostIs(_:brand:)` for each.
    static func brands(of host: String) -> Brands {
        let onBytes = host.utf8.withContiguousStorageIfAvailable { b -> Brands? in
            guard allASCII(b) else { return nil }
            var found: Brands = []
            var start = 0
            for i in 0...b.count where i == b.count || b[i] == UInt8(ascii: ".") {
                let label = UnsafeBufferPointer(rebasing: b[start..<i])
                start = i + 1
                func equals(_ brand: StaticString) -> Bool {
                    label.elementsEqual(UnsafeBufferPointer(start: brand.utf8Start, count: brand.utf8CodeUnitCount))
                }
                // By length first: most labels match none.
                switch label.count {
                case 1: if equals("x") { found.insert(.x) }
                case 4: if equals("ebay") { found.insert(.ebay) } else if equals("etsy") { found.insert(.etsy) }
                case 6: if equals("amazon") { found.insert(.amazon) } else if equals("tiktok") { found.insert(.tiktok) }
                case 7: if equals("twitter") { found.insert(.twitter) }
                case 8: if equals("facebook") { found.insert(.facebook) }
                case 9: if equals("instagram") { found.insert(.instagram) } else if equals("pinterest") { found.insert(.pinterest) }
                case 10: if equals("aliexpress") { found.insert(.aliexpress) }
                default: break
                }
            }
            return found
        }
        if let onBytes, let onBytes { return onBytes }
        var found: Brands = []
        for (brand, flag) in Brands.all where hostIs(host, brand: brand) { found.insert(flag) }
        return found
    }

    public static func products(in parsed: ParsedURL) -> [ProductRef] {
        let host = parsed.host
        let segments = parsed.segments
        let brands = brands(of: host)
        if brands.contains(.amazon) {
            for (i, segment) in segments.enumerated() {
                let next = i + 1 < segments.count ? segments[i + 1] : nil
                if segment == "dp", let next, let asin = asin(next) { return [ProductRef(platform: "amazon", itemID: asin)] }
                if segment == "product", i > 0, segments[i - 1] == "gp", let next, let asin = asin(next) {
                    return [ProductRef(platform: "amazon", itemID: asin)]
                }
                if segment == "d", i > 1, segments[i - 1] == "aw", let next, let asin = asin(next) {
                    return [ProductRef(platform: "amazon", itemID: asin)]
                }
            }
            return []
        }
        if brands.contains(.ebay) {
            if let itm = segments.firstIndex(of: "itm") {
                // /itm/ID or /itm/slug/ID
                for candidate in segments[(itm + 1)...].reversed() where isDigits(candidate) && candidate.utf8.count >= 9 {
                    return [ProductRef(platform: "ebay", itemID: "v1|\(candidate)|0")]
                }
            }
            return []
        }
        if hostIs(host, under: "etsy.com") {
            if let listing = segments.firstIndex(of: "listing"), listing + 1 < segments.count, isDigits(segments[listing + 1]) {
                return [ProductRef(platform: "etsy", itemID: String(segments[listing + 1]))]
            }
            return []
        }
        if brands.contains(.aliexpress) {
            if let item = segments.firstIndex(where: { $0 == "item" || $0 == "i" }), item + 1 < segments.count {
                var id = segments[item + 1]
                if id.hasSuffix(".html") { id = id.dropLast(5) }
                if isDigits(id) { return [ProductRef(platform: "aliexpress", itemID: String(id))] }
            }
            return []
        }
        if let products = segments.firstIndex(of: "products"), products + 1 < segments.count {
            var handle = segments[products + 1]
            if handle.hasSuffix(".json") || handle.hasSuffix(".js") { handle = handle.prefix(upTo: handle.lastIndex(of: ".")!) }
            if !handle.isEmpty, brands.isDisjoint(with: .marketplaces) {
                return [ProductRef(platform: "shopify", itemID: shopifyItemRef(domain: host, handle: String(handle)))]
            }
        }
        return []
    }

    /// How a Shopify product page is named in a link: `shop.example.com/products/handle`.
    public static func shopifyItemRef(domain: String, handle: String) -> String {
        "\(domain.lowercased())/products/\(handle.lowercased())"
    }

    static func asin(_ segment: Substring) -> String? {
        guard segment.count == 10, segment.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || (($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7a) }) else { return nil }
        return segment.uppercased()
    }

    static func isDigits(_ s: Substring) -> Bool { !s.isEmpty && s.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
}
