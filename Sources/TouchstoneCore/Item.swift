import Foundation

/// What an item is on its platform.
public enum ItemKind: String, Codable, Sendable, CaseIterable {
    case post, listing, account
}

/// The account (seller, shop, author) behind an item.
public struct Account: Codable, Sendable, Hashable {
    /// The platform's own account id, when it has one (merchant id, user id, shop id).
    public var id: String?
    public var handle: String?
    public var displayName: String?
    public var bio: String?
    public var website: String?

    public init(id: String? = nil, handle: String? = nil, displayName: String? = nil, bio: String? = nil, website: String? = nil) {
        self.id = id
        self.handle = handle
        self.displayName = displayName
        self.bio = bio
        self.website = website
    }

    enum CodingKeys: String, CodingKey {
        case id, handle, bio, website
        case displayName = "display_name"
    }
}

/// A price as a decimal string (never a binary float) and an ISO 4217 currency.
public struct Price: Codable, Sendable, Hashable {
    /// Decimal amount as text, e.g. `"25.00"`.
    public var amount: String
    /// ISO 4217 code, upper case, e.g. `"USD"`; nil when the source did not say.
    public var currency: String?

    public init(amount: String, currency: String?) {
        self.amount = amount
        self.currency = currency
    }

    public var decimalAmount: Decimal? { Decimal(string: amount, locale: Locale(identifier: "en_US_POSIX")) }
}

/// A product id found in a link, pointing at an item of a selling platform.
public struct ProductRef: Codable, Sendable, Hashable {
    public var platform: String
    /// The id in the form the target platform's items carry as `item_id`.
    public var itemID: String

    public init(platform: String, itemID: String) {
        self.platform = platform
        self.itemID = itemID
    }

    enum CodingKeys: String, CodingKey {
        case platform
        case itemID = "item_id"
    }
}

/// A link found anywhere in an item (text, bio, website, entities).
public struct Link: Codable, Sendable, Hashable {
    /// The URL as given (short links are kept as they are).
    public var url: String
    /// Where it was found: `text`, `bio`, `website`, `entities`, `url`.
    public var foundIn: String
    public var products: [ProductRef]

    public init(url: String, foundIn: String, products: [ProductRef] = []) {
        self.url = url
        self.foundIn = foundIn
        self.products = products
    }

    enum CodingKeys: String, CodingKey {
        case url, products
        case foundIn = "found_in"
    }
}

/// A way to reach the people behind an item.
public struct Contact: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable {
        case phone, whatsapp, email, telegram
    }
    public var kind: Kind
    /// Normalised value: E.164 for phones when the country can be told, lower-case email, handle without `@`.
    public var value: String

    public init(kind: Kind, value: String) {
        self.kind = kind
        self.value = value
    }
}

/// Where an item came from: the raw record that is its untouched evidence.
public struct RawRef: Codable, Sendable, Hashable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    public var sha256: String
    public var source: String?
    public var line: Int?
    public var capturedAt: String?

    public init(topic: String, partition: Int32, offset: Int64, sha256: String, source: String? = nil, line: Int? = nil, capturedAt: String? = nil) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.sha256 = sha256
        self.source = source
        self.line = line
        self.capturedAt = capturedAt
    }

    enum CodingKeys: String, CodingKey {
        case topic, partition, offset, sha256, source, line
        case capturedAt = "captured_at"
    }
}

/// A brand reference picture that an item's picture matched.
public struct ReferenceMatch: Codable, Sendable, Hashable {
    public var brand: String
    /// The reference's path as written in the profile.
    public var reference: String
    /// Hamming distance of the PDQ hashes (0...256).
    public var distance: Int
    /// Which dihedral variant of the item picture matched: `original`, `rotate90`,
    /// `rotate180`, `rotate270`, `mirror`, `mirror-rotate90`, `mirror-rotate180`, `mirror-rotate270`.
    public var transform: String
    /// For a part-of-picture match, the region of the item picture (pixels, in the
    /// orientation of the decoded picture): `[x, y, width, height]`. Nil for a whole-picture match.
    public var region: [Int]?

    public init(brand: String, reference: String, distance: Int, transform: String, region: [Int]? = nil) {
        self.brand = brand
        self.reference = reference
        self.distance = distance
        self.transform = transform
        self.region = region
    }
}

/// A picture of an item, with what hash-images found in it.
public struct Picture: Codable, Sendable, Hashable {
    /// Absolute URL: `http(s)://` or `file://` (relative paths are resolved by normalize).
    public var url: String
    public var sha256: String?
    public var byteCount: Int?
    public var width: Int?
    public var height: Int?
    /// PDQ hash, 64 lower-case hex digits.
    public var pdq: String?
    /// PDQ quality, 0...100.
    public var quality: Int?
    public var matches: [ReferenceMatch]?
    /// Why the picture could not be fetched or decoded.
    public var error: String?

    enum CodingKeys: String, CodingKey {
        case url, sha256, width, height, pdq, quality, matches, error
        case byteCount = "byte_count"
    }
}

extension Picture {
    // Delegates to the memberwise initializer, as ``Item``'s does (`sha256:` spelled out so
    // that the call can only mean that one).
    public init(url: String) {
        self.init(url: url, sha256: nil)
    }
}

/// A brand profile that judged an item, and its version (content hash).
public struct ProfileVersion: Codable, Sendable, Hashable {
    public var brand: String
    public var version: String

    public init(brand: String, version: String) {
        self.brand = brand
        self.version = version
    }
}

/// The canonical item: one post, listing or account, whatever platform it came
/// from. It travels on `items`, and the later stages add their findings to it
/// (`pictures[].pdq` on `items.hashed`, `signals` on `items.matched`).
public struct Item: Codable, Sendable, Hashable {
    public static let schemaVersion = 1

    public var schema: Int
    public var platform: String
    /// The platform's own id, digit for digit (ASIN, eBay itemId, media id, ...).
    public var itemID: String
    public var kind: ItemKind
    public var url: String?
    public var account: Account?
    public var title: String?
    /// Plain text: HTML stripped, entities decoded.
    public var text: String?
    public var price: Price?
    public var pictures: [Picture]
    public var links: [Link]
    public var hashtags: [String]
    public var mentions: [String]
    public var contacts: [Contact]
    /// ISO 8601 UTC.
    public var postedAt: String?
    public var raw: RawRef?

    /// Added by text-match: every signal found, for every brand.
    public var signals: [Signal]?
    /// Added by text-match: which profile versions judged this item.
    public var profiles: [ProfileVersion]?

    /// The message key on every item topic: `platform:item_id`.
    public var key: String { Item.key(platform: platform, itemID: itemID) }

    public static func key(platform: String, itemID: String) -> String { "\(platform):\(itemID)" }

    /// ``key(platform:itemID:)`` as the UTF-8 bytes of a message key, without making the String.
    public static func keyBytes(platform: String, itemID: String) -> [UInt8] {
        // Borrowed as spans: `withUTF8` on copies retained and released both strings.
        platform.utf8Span.span.withUnsafeBufferPointer { platform in
            itemID.utf8Span.span.withUnsafeBufferPointer { itemID in keyBytes(platform: platform, itemID: itemID) }
        }
    }

    /// The same from the platform's and the item id's UTF-8 bytes.
    public static func keyBytes(platform: UnsafeBufferPointer<UInt8>, itemID: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        // Reserved and appended, not `[UInt8](unsafeUninitializedCapacity:)`: that one calls the
        // standard library's unspecialized allocator, which looks up the array's metadata per call.
        var key: [UInt8] = []
        key.reserveCapacity(platform.count + 1 + itemID.count)
        key.append(contentsOf: platform)
        key.append(UInt8(ascii: ":"))
        key.append(contentsOf: itemID)
        return key
    }

    enum CodingKeys: String, CodingKey {
        case schema, platform, kind, url, account, title, text, price, pictures, links, hashtags, mentions, contacts, raw, signals, profiles
        case itemID = "item_id"
        case postedAt = "posted_at"
    }
}

extension Item {
    // In an extension, so that the struct keeps its implicit memberwise initializer:
    // delegating to it builds the item in place, where assigning each field in an
    // explicit initializer made a whole copy of the struct and destroyed the original.
    public init(
        platform: String, itemID: String, kind: ItemKind, url: String? = nil, account: Account? = nil,
        title: String? = nil, text: String? = nil, price: Price? = nil, pictures: [Picture] = [],
        links: [Link] = [], hashtags: [String] = [], mentions: [String] = [], contacts: [Contact] = [],
        postedAt: String? = nil, raw: RawRef? = nil
    ) {
        self.init(schema: Item.schemaVersion, platform: platform, itemID: itemID, kind: kind, url: url, account: account,
                  title: title, text: text, price: price, pictures: pictures, links: links, hashtags: hashtags,
                  mentions: mentions, contacts: contacts, postedAt: postedAt, raw: raw, signals: nil, profiles: nil)
    }
}
