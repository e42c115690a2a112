import Foundation
import TouchstoneCore

/// One link key of an item: a value that, shared with another item, is
/// evidence that the two belong to the same operation.
///
/// Keys are plain text in a few spaces (the prefix before the first `:`):
/// - `ref:<platform>:<id>` a product or post id (ASIN, eBay legacy item number, Etsy listing id, ...)
/// - `acct:<platform>:<name>` a seller, shop or account on a platform (handle or platform id, lower case)
/// - `domain:<host>` a shop's own web domain (not one of the big platforms)
/// - `url:<host/path>` any other URL, as written (short links, link-in-bio pages)
/// - `contact:<phone|email|telegram>:<value>` a way to reach the people behind the item
/// - `handle:<normalised>` and `handle~<one letter deleted>` for similar handles across platforms
public struct LinkKey: Hashable, Sendable {
    public enum Role: Int, Sendable {
        /// The item *is* this thing (its own id, its own shop, its own domain).
        case identity = 0
        /// The item *points at* this thing (a link, a product id in its text).
        case pointer = 1
        /// Symmetric evidence (the same contact, the same handle).
        case shared = 2
    }

    public var key: String
    public var role: Role
    /// Where it was found, for the edge's detail: `text`, `bio`, `website`, `links[0]`, `contacts`, `account.handle`, ...
    public var foundIn: String
    /// What the item actually carried (the URL, the number as written), for humans.
    public var evidence: String

    public init(key: String, role: Role, foundIn: String, evidence: String) {
        self.key = key
        self.role = role
        self.foundIn = foundIn
        self.evidence = evidence
    }

    /// `ref`, `acct`, `domain`, `url`, `contact`, `handle`, `handle~`.
    public var space: String {
        if key.hasPrefix("handle~") { return "handle~" }
        return String(key.prefix { $0 != ":" })
    }

    /// Found in a biography or the account's website: a link-in-bio rather than a link in a post.
    public var isFromProfile: Bool { foundIn == "bio" || foundIn == "website" || foundIn.hasPrefix("account.") }
}

/// Extracts an item's link keys. Pure: text in, keys out.
public struct LinkKeyExtractor: Sendable {
    /// Handles shorter than this (after normalisation) are too generic to join on.
    public var minimumHandleLength = 5
    /// Handles at least this long also match with one edit.
    public var minimumFuzzyHandleLength = 8

    public init() {}

    public func keys(of item: Item) -> [LinkKey] {
        var keys: [LinkKey] = []
        let platform = item.platform.lowercased()

        // What the item is.
        let ownID = LinkKeyExtractor.normalizedItemID(item.itemID, platform: platform)
        keys.append(LinkKey(key: "ref:\(platform):\(ownID)", role: .identity, foundIn: "item_id", evidence: item.itemID))
        if let url = item.url {
            for key in URLKeys.keys(for: url) where key.key.hasPrefix("ref:") || key.key.hasPrefix("domain:") || key.key.hasPrefix("url:") {
                keys.append(LinkKey(key: key.key, role: .identity, foundIn: "url", evidence: url))
            }
        }
        if let account = item.account {
            if let handle = account.handle?.trimmingCharacters(in: CharacterSet(charactersIn: "@ ")), !handle.isEmpty {
                keys.append(LinkKey(key: "acct:\(platform):\(handle.lowercased())", role: .identity, foundIn: "account.handle", evidence: handle))
                keys.append(contentsOf: handleKeys(handle, foundIn: "account.handle"))
            }
            if let id = account.id, !id.isEmpty {
                keys.append(LinkKey(key: "acct:\(platform):\(id.lowercased())", role: .identity, foundIn: "account.id", evidence: id))
            }
            if let website = account.website {
                keys.append(contentsOf: pointerKeys(inURL: website, foundIn: "website"))
            }
            if let bio = account.bio {
                keys.append(contentsOf: pointerKeys(inText: bio, foundIn: "bio"))
                keys.append(contentsOf: contactKeys(inText: bio, foundIn: "bio"))
            }
        }

        // What it points at.
        for (index, link) in item.links.enumerated() {
            let foundIn = ["bio", "website"].contains(link.foundIn) ? link.foundIn : "links[\(index)]"
            keys.append(contentsOf: pointerKeys(inURL: link.url, foundIn: foundIn))
            for product in link.products {
                let id = LinkKeyExtractor.normalizedItemID(product.itemID, platform: product.platform.lowercased())
                keys.append(LinkKey(key: "ref:\(product.platform.lowercased()):\(id)", role: .pointer, foundIn: foundIn, evidence: link.url))
            }
        }
        for (field, text) in [("title", item.title), ("text", item.text)] {
            guard let text else { continue }
            keys.append(contentsOf: pointerKeys(inText: text, foundIn: field))
            keys.append(contentsOf: contactKeys(inText: text, foundIn: field))
            keys.append(contentsOf: bareProductIDs(inText: text, foundIn: field))
        }
        for contact in item.contacts {
            if let key = LinkKeyExtractor.contactKey(kind: contact.kind, value: contact.value) {
                keys.append(LinkKey(key: key, role: .shared, foundIn: "contacts", evidence: "\(contact.kind.rawValue) \(contact.value)"))
            }
        }

        // A link to itself is not evidence; keep each key once, the identity role first.
        let identities = Set(keys.filter { $0.role == .identity }.map(\.key))
        var seen = Set<String>()
        var unique: [LinkKey] = []
        for key in keys.sorted(by: { $0.role.rawValue < $1.role.rawValue }) {
            if key.role == .pointer, identities.contains(key.key) { continue }
            if seen.insert(key.key).inserted { unique.append(key) }
        }
        return unique
    }

    // MARK: Handles

    /// Lower case, accents folded, letters and digits only.
    public static func normalizedHandle(_ handle: String) -> String {
        let folded = handle.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil).lowercased()
        return String(folded.unicodeScalars.filter { ("a"..."z").contains($0) || ("0"..."9").contains($0) }.map(Character.init))
    }

    func handleKeys(_ handle: String, foundIn: String) -> [LinkKey] {
        let normalized = LinkKeyExtractor.normalizedHandle(handle)
        guard normalized.count >= minimumHandleLength, normalized.contains(where: \.isLetter) else { return [] }
        var keys = [LinkKey(key: "handle:\(normalized)", role: .shared, foundIn: foundIn, evidence: handle)]
        for variant in fuzzyVariants(ofNormalized: normalized) {
            keys.append(LinkKey(key: variant, role: .shared, foundIn: foundIn, evidence: handle))
        }
        return keys
    }

    /// The `handle~` keys of a normalised handle long enough to match with one edit:
    /// the handle and each one-letter deletion of it, sorted (a symmetric deletion
    /// neighbourhood: two handles one edit apart share a variant). None for shorter handles.
    public func fuzzyVariants(ofNormalized normalized: String) -> [String] {
        guard normalized.count >= minimumFuzzyHandleLength else { return [] }
        let characters = Array(normalized)
        var variants = Set<String>([normalized])
        for index in characters.indices {
            var variant = characters
            variant.remove(at: index)
            variants.insert(String(variant))
        }
        return variants.sorted().map { LinkKeyExtractor.fuzzyPrefix + $0 }
    }

    /// The key space of one-letter variants of handles.
    static let fuzzyPrefix = "handle~"

    // MARK: Links

    func pointerKeys(inURL url: String, foundIn: String) -> [LinkKey] {
        URLKeys.keys(for: url).map { LinkKey(key: $0.key, role: $0.role, foundIn: foundIn, evidence: url) }
    }

    func pointerKeys(inText text: String, foundIn: String) -> [LinkKey] {
        URLKeys.urls(inText: text).flatMap { pointerKeys(inURL: $0, foundIn: foundIn) }
    }

    /// Ids written without a URL: an ASIN (`B0` and eight letters or digits), or a
    /// 12-digit eBay item number in a text that says "ebay". Such a key only ever
    /// joins an item that has exactly that id.
    func bareProductIDs(inText text: String, foundIn: String) -> [LinkKey] {
        var keys: [LinkKey] = []
        let saysEbay = text.range(of: "ebay", options: .caseInsensitive) != nil
        for token in text.split(whereSeparator: { !$0.isLetter && !$0.isNumber }) {
            let word = String(token)
            if word.count == 10, word.hasPrefix("B0"), word.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber) }) {
                keys.append(LinkKey(key: "ref:amazon:\(word)", role: .pointer, foundIn: foundIn, evidence: word))
            } else if saysEbay, word.count == 12, word.allSatisfy({ $0.isASCII && $0.isNumber }) {
                keys.append(LinkKey(key: "ref:ebay:\(word)", role: .pointer, foundIn: foundIn, evidence: word))
            }
        }
        return keys
    }

    // MARK: Contacts

    func contactKeys(inText text: String, foundIn: String) -> [LinkKey] {
        var keys: [LinkKey] = []
        for token in text.split(whereSeparator: { $0.isWhitespace || $0 == "," || $0 == ";" || $0 == "(" || $0 == ")" || $0 == "<" || $0 == ">" }) {
            var word = String(token)
            while let last = word.last, ".!?:".contains(last) { word.removeLast() }
            if word.hasPrefix("mailto:") { word.removeFirst("mailto:".count) }
            if LinkKeyExtractor.looksLikeEmail(word), let key = LinkKeyExtractor.contactKey(kind: .email, value: word) {
                keys.append(LinkKey(key: key, role: .shared, foundIn: foundIn, evidence: word))
            }
        }
        return keys
    }

    static func looksLikeEmail(_ word: String) -> Bool {
        let parts = word.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix(".") else { return false }
        return parts[1].allSatisfy { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }
    }

    /// The key of a contact: phones (and WhatsApp numbers, which are phone numbers)
    /// by their last nine digits, so that `+44 7911 123456` and `07911 123456` meet;
    /// emails in lower case; Telegram handles without `@`, lower case.
    public static func contactKey(kind: Contact.Kind, value: String) -> String? {
        switch kind {
        case .phone, .whatsapp:
            let digits = value.filter { $0.isASCII && $0.isNumber }
            guard digits.count >= 9 else { return nil }
            return "contact:phone:\(digits.suffix(9))"
        case .email:
            let email = value.lowercased().trimmingCharacters(in: .whitespaces)
            guard looksLikeEmail(email) else { return nil }
            return "contact:email:\(email)"
        case .telegram:
            let handle = value.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "@ "))
            guard handle.count >= 5 else { return nil }
            return "contact:telegram:\(handle)"
        }
    }

    /// Item ids in the form links use: eBay's `v1|123456789012|0` becomes `123456789012`, ASINs are upper case.
    public static func normalizedItemID(_ id: String, platform: String) -> String {
        switch platform {
        case "ebay":
            let parts = id.split(separator: "|")
            if parts.count == 3, parts[0] == "v1" { return String(parts[1]) }
            return id
        case "amazon":
            return id.uppercased()
        default:
            return id
        }
    }
}

/// Reads link keys out of URLs: which platform item, shop or account a URL names.
enum URLKeys {
    struct Found {
        var key: String
        var role: LinkKey.Role
    }

    /// Hosts that are platforms or link shorteners: their domain says nothing about who is behind a link.
    static let commonHosts: Set<String> = [
        "instagram.com", "facebook.com", "fb.com", "amazon.com", "amzn.to", "amzn.eu", "a.co", "ebay.com", "etsy.com",
        "aliexpress.com", "aliexpress.us", "alibaba.com", "tiktok.com", "vm.tiktok.com", "pinterest.com", "pin.it",
        "x.com", "twitter.com", "t.co", "bit.ly", "tinyurl.com", "goo.gl", "linktr.ee", "youtube.com", "youtu.be",
        "google.com", "wa.me", "whatsapp.com", "api.whatsapp.com", "t.me", "telegram.me", "myshopify.com", "shopify.com",
        "ow.ly", "buff.ly", "lnk.bio", "beacons.ai", "taplink.cc",
    ]

    /// Every `http(s)://` URL or bare `www.`/known-host link in a text.
    static func urls(inText text: String) -> [String] {
        var urls: [String] = []
        for token in text.split(whereSeparator: { $0.isWhitespace || $0 == "\"" || $0 == "<" || $0 == ">" || $0 == "(" || $0 == ")" }) {
            var word = String(token)
            while let last = word.last, ".,!?;:".contains(last) { word.removeLast() }
            let lower = word.lowercased()
            if lower.hasPrefix("http://") || lower.hasPrefix("https://") {
                urls.append(word)
            } else if lower.hasPrefix("www.") || (lower.contains("/") && commonHosts.contains(where: { lower.hasPrefix($0 + "/") || lower.contains("." + $0 + "/") })) {
                urls.append("https://" + word)
            }
        }
        return urls
    }

    static func registrableHost(_ host: String) -> String {
        var host = host.lowercased()
        if host.hasPrefix("www.") { host.removeFirst(4) }
        if host.hasPrefix("m.") { host.removeFirst(2) }
        return host
    }

    /// The marketplace a host belongs to (`amazon.de` → amazon), if any.
    static func marketplace(of host: String) -> String? {
        let labels = host.split(separator: ".").map(String.init)
        for name in ["amazon", "ebay", "etsy", "aliexpress", "instagram", "tiktok", "pinterest", "twitter"] where labels.contains(name) {
            return name == "twitter" ? "x" : name
        }
        if host == "x.com" { return "x" }
        return nil
    }

    static func keys(for text: String) -> [Found] {
        var text = text.trimmingCharacters(in: .whitespaces)
        if !text.lowercased().hasPrefix("http://") && !text.lowercased().hasPrefix("https://") {
            if text.lowercased().hasPrefix("mailto:") {
                let email = String(text.dropFirst("mailto:".count))
                return LinkKeyExtractor.contactKey(kind: .email, value: email).map { [Found(key: $0, role: .shared)] } ?? []
            }
            text = "https://" + text
        }
        guard let components = URLComponents(string: text), let rawHost = components.host, !rawHost.isEmpty else { return [] }
        let host = registrableHost(rawHost)
        let path = components.path.split(separator: "/").map(String.init)
        let query = Dictionary(
            (components.queryItems ?? []).compactMap { item in item.value.map { (item.name.lowercased(), $0) } },
            uniquingKeysWith: { first, _ in first })
        var found: [Found] = []

        switch marketplace(of: host) {
        case "amazon":
            for (index, part) in path.enumerated() where ["dp", "product", "d", "asin", "ASIN"].contains(part) && index + 1 < path.count {
                let asin = path[index + 1].uppercased()
                if asin.count == 10, asin.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) {
                    found.append(Found(key: "ref:amazon:\(asin)", role: .pointer))
                }
            }
            if let seller = query["seller"] ?? query["me"] {
                found.append(Found(key: "acct:amazon:\(seller.lowercased())", role: .pointer))
            }
        case "ebay":
            if let index = path.firstIndex(of: "itm"), let number = path[(index + 1)...].last(where: { $0.allSatisfy(\.isNumber) && $0.count >= 9 }) {
                found.append(Found(key: "ref:ebay:\(number)", role: .pointer))
            }
            if let index = path.firstIndex(where: { $0 == "usr" || $0 == "str" }), index + 1 < path.count {
                found.append(Found(key: "acct:ebay:\(path[index + 1].lowercased())", role: .pointer))
            }
        case "etsy":
            if let index = path.firstIndex(of: "listing"), index + 1 < path.count, path[index + 1].allSatisfy(\.isNumber) {
                found.append(Found(key: "ref:etsy:\(path[index + 1])", role: .pointer))
            }
            if let index = path.firstIndex(of: "shop"), index + 1 < path.count {
                found.append(Found(key: "acct:etsy:\(path[index + 1].lowercased())", role: .pointer))
            }
        case "aliexpress":
            if let index = path.firstIndex(where: { $0 == "item" || $0 == "i" }), index + 1 < path.count {
                let number = path[index + 1].replacingOccurrences(of: ".html", with: "")
                if number.allSatisfy(\.isNumber), !number.isEmpty { found.append(Found(key: "ref:aliexpress:\(number)", role: .pointer)) }
            }
            if let index = path.firstIndex(of: "store"), index + 1 < path.count {
                found.append(Found(key: "acct:aliexpress:\(path[index + 1].lowercased())", role: .pointer))
            }
        case "instagram", "tiktok", "pinterest", "x":
            let platform = marketplace(of: host)!
            if platform == "x", path.count >= 3, path[1] == "status", path[2].allSatisfy(\.isNumber) {
                found.append(Found(key: "ref:x:\(path[2])", role: .pointer))
            } else if platform == "tiktok", path.count >= 3, path[1] == "video" {
                found.append(Found(key: "ref:tiktok:\(path[2])", role: .pointer))
            } else if platform == "pinterest", path.count >= 2, path[0] == "pin" {
                found.append(Found(key: "ref:pinterest:\(path[1])", role: .pointer))
            }
            if let first = path.first, !["p", "reel", "explore", "pin", "search", "hashtag", "i", "tag", "stories"].contains(first) {
                let handle = first.hasPrefix("@") ? String(first.dropFirst()) : first
                if !handle.isEmpty { found.append(Found(key: "acct:\(platform):\(handle.lowercased())", role: .pointer)) }
            }
        default:
            if host == "wa.me", let number = path.first {
                if let key = LinkKeyExtractor.contactKey(kind: .whatsapp, value: number) { found.append(Found(key: key, role: .shared)) }
            } else if host.hasSuffix("whatsapp.com"), let phone = query["phone"] {
                if let key = LinkKeyExtractor.contactKey(kind: .whatsapp, value: phone) { found.append(Found(key: key, role: .shared)) }
            } else if host == "t.me" || host == "telegram.me", let name = path.first {
                if let key = LinkKeyExtractor.contactKey(kind: .telegram, value: name) { found.append(Found(key: key, role: .shared)) }
            } else if !commonHosts.contains(host), host.contains(".") {
                // A shop's own domain (a Shopify store, a replica site): the domain itself is the evidence.
                found.append(Found(key: "domain:\(host)", role: .pointer))
                if let index = path.firstIndex(of: "products"), index + 1 < path.count {
                    found.append(Found(key: "ref:shop:\(host)/\(path[index + 1].lowercased())", role: .pointer))
                }
            }
        }
        if found.isEmpty, !commonHosts.contains(host) || !path.isEmpty {
            // Anything else (a short link, a link-in-bio page): only the same URL elsewhere matches it.
            let joined = ([host] + path).joined(separator: "/").lowercased()
            if !path.isEmpty { found.append(Found(key: "url:\(joined)", role: .pointer)) }
        }
        return found
    }
}
