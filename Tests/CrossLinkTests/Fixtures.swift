import Foundation
import TouchstoneCore
import Transport
@testable import CrossLink

/// Items as text-match publishes them on `items.matched`, built as plain values.
enum Fixture {
    static let officialPhoto = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"

    static func picture(_ pdq: String?, quality: Int = 100, matches: [ReferenceMatch]? = nil) -> Picture {
        var picture = Picture(url: "https://cdn.example.com/\(pdq?.prefix(8) ?? "none").jpg")
        picture.pdq = pdq
        picture.quality = quality
        picture.matches = matches
        return picture
    }

    static func signal(_ brand: String, _ name: SignalName, detail: String? = nil, matched: String? = nil, field: String? = "text") -> Signal {
        Signal(brand: brand, signal: name, rule: name == .imageMatch ? "pdq" : "exact", field: field, matched: matched, detail: detail)
    }

    static func item(
        _ platform: String, _ id: String, kind: ItemKind, handle: String? = nil, website: String? = nil, bio: String? = nil,
        text: String? = nil, pictures: [Picture] = [], links: [Link] = [], contacts: [Contact] = [], signals: [Signal] = [],
        url: String? = nil, price: String? = nil
    ) -> Item {
        var item = Item(
            platform: platform, itemID: id, kind: kind, url: url,
            account: handle == nil && website == nil && bio == nil ? nil : Account(handle: handle, bio: bio, website: website),
            text: text, price: price.map { Price(amount: $0, currency: "USD") }, pictures: pictures, links: links, contacts: contacts)
        item.signals = signals
        item.profiles = [ProfileVersion(brand: "cartier", version: "v1")]
        return item
    }

    /// Flips `count` bits of a hex PDQ hash, spread over the hash.
    static func flip(_ hex: String, bits count: Int, seed: Int = 0) -> String {
        var hash = PDQHash(hex: hex)!
        var words = [hash.words.0, hash.words.1, hash.words.2, hash.words.3]
        for index in 0..<count {
            let bit = (index * 37 + seed * 11) % 256
            words[bit / 64] ^= 1 << UInt64(bit % 64)
        }
        hash.words = (words[0], words[1], words[2], words[3])
        return hash.hex
    }

    static func message(_ item: Item, partition: Int32, offset: Int64) throws -> ConsumedMessage {
        ConsumedMessage(
            topic: TopicName.itemsMatched, partition: partition, offset: offset, key: Array(item.key.utf8),
            value: try TopicJSON.encode(item), headers: [], timestamp: 0)
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("crosslink-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    // MARK: The seed case of PRODUCT.md and its variants

    /// An Instagram post that reuses Cartier's official photo and links a generic Amazon listing.
    static var instagramPost: Item {
        item(
            "instagram", "17895695668004550", kind: .post, handle: "luxe.finds.daily",
            text: "Obsessed with this bracelet 😍 shop: https://www.amazon.com/dp/B0C1234567?tag=lux-20",
            pictures: [picture(officialPhoto, matches: [ReferenceMatch(brand: "cartier", reference: "images/love-bracelet-front.jpg", distance: 12, transform: "original")])],
            links: [Link(url: "https://www.amazon.com/dp/B0C1234567?tag=lux-20", foundIn: "text", products: [ProductRef(platform: "amazon", itemID: "B0C1234567")])],
            signals: [signal("cartier", .imageMatch, detail: "PDQ distance 12 to images/love-bracelet-front.jpg", field: "pictures[0]")])
    }

    /// The generic Amazon listing: no brand word, no reference photo.
    static var amazonListing: Item {
        item(
            "amazon", "B0C1234567", kind: .listing, handle: "A2XJ5GENERIC",
            text: "Women's titanium steel screw bangle, gold tone, 16cm", pictures: [picture("0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff")],
            url: "https://www.amazon.com/dp/B0C1234567", price: "39.99")
    }
}
