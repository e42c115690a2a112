import StreamProcessing
import TouchstoneCore

/// One platform's native object to canonical items. Adapters are pure
/// functions of the parsed line and its ``RawContext``; a missing required
/// field or a field of the wrong type throws a ``JSONFieldError`` naming its path.
public typealias PlatformAdapter = @Sendable (TapeCursor, RawContext) throws -> [Item]

/// The platforms of INPUTS.md and which raw topic carries them.
public enum Platforms {
    public static let posts: [String] = ["instagram", "x", "tiktok", "pinterest"]
    public static let listings: [String] = ["amazon", "ebay", "etsy", "aliexpress", "shopify"]
    public static let all: [String] = posts + listings + ["generic"]

    public static let adapters: [String: PlatformAdapter] = Dictionary(uniqueKeysWithValues: all.map { ($0, adapter(for: $0)!) })

    /// ``adapters``' entry for `platform`, by a switch: short names compare in place, where the
    /// dictionary hashed the name of every line.
    public static func adapter(for platform: String) -> PlatformAdapter? {
        switch platform {
        case "instagram": InstagramAdapter.items
        case "amazon": AmazonAdapter.items
        case "ebay": EbayAdapter.items
        case "etsy": EtsyAdapter.items
        case "x": XAdapter.items
        case "aliexpress": AliExpressAdapter.items
        case "shopify": ShopifyAdapter.items
        case "tiktok": TikTokAdapter.items
        case "pinterest": PinterestAdapter.items
        case "generic": GenericAdapter.items
        default: nil
        }
    }

    /// The key of a raw message (topics/raw.posts.json), as UTF-8: `platform:item_id` with
    /// the id read from the native object, nil when the object has no readable id (then
    /// the line's SHA-256 keys it). A business discovery object is keyed by its
    /// account; an X page by its first tweet; a generic item by its own platform.
    public static func rawKey(platform: String, root: TapeCursor) -> [UInt8]? {
        // Plain member lookups on entries: nil for a missing member or a non-object, as `JSONValue`'s subscript.
        let tape = root.tape
        func member(_ value: Int?, _ key: StaticString) -> Int? {
            guard let value, tape.kind(value) == .object else { return nil }
            return (try? root.sibling(value).index(of: key)) ?? nil
        }
        func key(_ platform: String, _ id: String?) -> [UInt8]? {
            id.map { Item.keyBytes(platform: platform, itemID: $0) }
        }
        // The id as ``TapeCursor/asID()`` reads it, written after `platform:` from the line's bytes.
        func key(_ platform: String, _ id: Int?) -> [UInt8]? {
            id.flatMap { root.sibling($0).idKeyBytes(platform: platform) }
        }
        func string(_ index: Int?) -> String? {
            guard let index, tape.kind(index) == .string else { return nil }
            return tape.text(index)
        }
        let top: Int? = root.index
        switch platform {
        case "instagram":
            if let text = string(member(member(top, "business_discovery"), "username")), !text.isEmpty { return key("instagram", text) }
            return key("instagram", member(top, "id"))
        case "amazon": return key("amazon", member(top, "ASIN"))
        case "ebay": return key("ebay", member(top, "itemId"))
        case "etsy": return key("etsy", member(top, "listing_id"))
        case "aliexpress": return key("aliexpress", member(top, "product_id"))
        case "x":
            let data = member(top, "data")
            // An array's first element is the entry after it, when it has one.
            let first = data.flatMap { tape.kind($0) == .array && tape.entries[$0].next > $0 + 1 ? $0 + 1 : nil }
            return key("x", member(first, "id") ?? member(data, "id"))
        case "generic":
            guard let ownText = string(member(top, "platform")), !ownText.isEmpty else { return nil }
            return key(ownText, member(top, "item_id"))
        default:
            return key(platform, member(top, "id"))
        }
    }

    /// The raw topic for a platform's lines; generic lines go by their `kind`.
    public static func rawTopic(platform: String, genericKind: ItemKind? = nil) -> String? {
        if posts.contains(platform) { return TopicName.rawPosts }
        if listings.contains(platform) { return TopicName.rawListings }
        if platform == "generic" { return genericKind == .listing ? TopicName.rawListings : TopicName.rawPosts }
        return nil
    }
}

/// Turns lines into items: parse, pick the adapter, map errors to ``StageError``s naming the field.
public enum Normalizer {
    public static let reader = JSONReader(maxDepth: 64, maxBytes: 4 << 20)

    public static func items(fromLine bytes: [UInt8], context: RawContext) throws(StageError) -> [Item] {
        let tape: JSONTape
        do {
            tape = try JSONTape.read(bytes, with: reader)
        } catch {
            throw StageError(error.description)
        }
        return try items(from: tape.root, context: context)
    }

    public static func items(from root: TapeCursor, context: RawContext) throws(StageError) -> [Item] {
        guard let adapter = Platforms.adapter(for: context.platform) else {
            throw StageError("unknown platform '\(context.platform)'; known: \(Platforms.all.joined(separator: ", "))", field: RawHeader.platform)
        }
        guard root.kind == .object else {
            throw StageError("expected a JSON object per line, found \(root.typeName)", field: "(root)")
        }
        do {
            return try adapter(root, context)
        } catch let error as JSONFieldError {
            throw StageError(error.reason, field: error.path)
        } catch let error as StageError {
            throw error
        } catch {
            throw StageError("\(error)")
        }
    }
}

/// An item being built by an adapter, with its text evidence and deduplicated
/// pictures. The fields are kept apart and the ``Item`` is made once, in
/// ``finish()``: building it up front and filling it in copied the whole struct.
struct ItemDraft: ~Copyable {
    private(set) var platform: String
    private(set) var itemID: String
    let kind: ItemKind
    private var raw: RawRef?
    var url: String?
    var title: String?
    /// Plain text: HTML stripped, entities decoded.
    var text: String?
    var price: Price?
    var postedAt: String?
    private(set) var account: Account?
    private(set) var pictures: [Picture] = []
    var evidence: Evidence
    private var pictureURLs = SeenKeys<String>()

    init(platform: String, itemID: String, kind: ItemKind, context: RawContext, country: String? = nil) {
        self.platform = platform
        self.itemID = itemID
        self.kind = kind
        raw = context.rawRef
        evidence = Evidence(country: country)
    }

    mutating func addPicture(_ reference: String?, context: RawContext) {
        guard let reference, !reference.trimmingSpaces().isEmpty else { return }
        let picture = context.picture(reference)
        if pictureURLs.insert(picture.url, among: pictures.count, keyAt: { pictures[$0].url }) { pictures.append(picture) }
    }

    /// Sets the account and scans its bio and website for evidence.
    mutating func setAccount(_ account: consuming Account?) {
        guard let account, account != Account() else { return }
        if let bio = account.bio { evidence.scan(bio, foundIn: "bio") }
        if let website = account.website { evidence.addLink(website, foundIn: "website") }
        // Moved in last (taken, not copied).
        self.account = account
    }

    /// The finished item (the draft ends here).
    consuming func finish() -> Item {
        // Each field moved out of the draft (left empty behind), not copied: copying every field
        // and then destroying the draft was a retain and a release per field.
        var platform = "", itemID = "", pictures: [Picture] = []
        swap(&platform, &self.platform)
        swap(&itemID, &self.itemID)
        swap(&pictures, &self.pictures)
        let found = evidence.take()
        return Item(platform: platform, itemID: itemID, kind: kind, url: url.take(), account: account.take(), title: title.take(),
                    text: text.take(), price: price.take(), pictures: pictures, links: found.links, hashtags: found.hashtags,
                    mentions: found.mentions, contacts: found.contacts, postedAt: postedAt.take(), raw: raw.take())
    }
}

extension String {
    /// nil for an empty or blank string.
    var nonBlank: String? { trimmingSpaces().isEmpty ? nil : self }
}

/// Decimal text from a JSON number literal or price string: `25.00`, `1e2` → `100`; nil when it is not a number.
func decimalAmount(_ text: String) -> String? {
    var t = text.trimmingSpaces()
    // Price strings sometimes carry a currency sign or thousands separators ("$1,299.00").
    if t.utf8.contains(where: { $0 == UInt8(ascii: "$") || $0 == UInt8(ascii: ",") || $0 == 0x20 || $0 >= 0x80 }) {
        t = String(t.unicodeScalars.filter { !("$€£¥ ,".unicodeScalars.contains($0)) })
    }
    guard JSONReader.isNumberLiteral(t) else { return nil }
    if !t.utf8.contains(where: { $0 | 0x20 == UInt8(ascii: "e") }) { return t }
    guard let value = Double(t), value.isFinite else { return nil }
    return "\(value)"
}

/// `amount / divisor` as decimal text, exactly, for a power-of-ten divisor (Etsy's Money).
func decimalQuotient(amount: String, divisor: String) -> String? {
    guard let a = Int64(amount), let d = Int64(divisor), d > 0 else { return nil }
    var digits = 0
    var p: Int64 = 1
    while p < d { p *= 10; digits += 1 }
    guard p == d else {
        return "\(Double(a) / Double(d))"
    }
    let negative = a < 0
    let magnitude = a.magnitude
    let whole = magnitude / UInt64(d)
    let fraction = magnitude % UInt64(d)
    var text = String(whole)
    if digits > 0 {
        let f = String(fraction)
        text += "." + String(repeating: "0", count: digits - f.count) + f
    }
    return (negative ? "-" : "") + text
}

/// ISO 4217: three ASCII letters, upper-cased; nil otherwise.
func currencyCode(_ text: String?) -> String? {
    guard var text else { return nil }
    // ASCII with no space at either end: three letters or nothing (the usual case, on bytes).
    let ascii: String?? = text.withBytes { bytes in
        guard let first = bytes.first, let last = bytes.last, !isASCIISpace(first), !isASCIISpace(last),
              bytes.allSatisfy({ $0 < 0x80 }) else { return .none }
        guard bytes.count == 3, bytes.allSatisfy({ ($0 | 0x20) >= UInt8(ascii: "a") && ($0 | 0x20) <= UInt8(ascii: "z") }) else { return .some(nil) }
        return String(unsafeUninitializedCapacity: 3) { code in
            for k in 0..<3 { code[k] = bytes[k] & ~0x20 }
            return 3
        }
    }
    if let ascii { return ascii }
    text = text.trimmingSpaces()
    guard text.count == 3, text.allSatisfy({ $0.isASCII && $0.isLetter }) else { return nil }
    return text.uppercased()
}
