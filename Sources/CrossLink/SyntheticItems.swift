import TouchstoneCore

/// A reproducible stream of synthetic posts and listings over eight platforms
/// with the link evidence cross-link reads, for benchmarks and state tests:
/// about 1 post in 10 links an Amazon listing seen before, 1 item in 20 gives
/// a WhatsApp number from a pool of 50,000, 1 picture in 50 is a near copy of
/// an earlier one, 1 item in 50 has the handle of an earlier item with one
/// letter changed, 1 post in 5 carries a brand signal; the rest is unique.
/// The same seed gives the same items.
public struct SyntheticItems: Sendable {
    var generator: SplitMix64
    public private(set) var count = 0
    var listingIDs: [String] = []
    var pictures: [String] = []
    var handles: [String] = []

    public init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    mutating func random() -> UInt64 { generator.next() }

    mutating func chance(_ oneIn: UInt64) -> Bool { random() % oneIn == 0 }

    mutating func hex() -> String {
        (0..<4).map { _ in
            let text = String(random(), radix: 16)
            return String(repeating: "0", count: 16 - text.count) + text
        }.joined()
    }

    /// Keeps at most 100,000 recent values to draw links from.
    mutating func remember(_ value: String, in pool: WritableKeyPath<SyntheticItems, [String]>) {
        if self[keyPath: pool].count < 100_000 {
            self[keyPath: pool].append(value)
        } else {
            let slot = Int(random() % 100_000)
            self[keyPath: pool][slot] = value
        }
    }

    public mutating func next() -> Item {
        count += 1
        let isListing = count % 2 == 0
        let platforms = isListing ? ["amazon", "ebay", "etsy", "aliexpress"] : ["instagram", "tiktok", "x", "pinterest"]
        let platform = platforms[Int(random() % 4)]
        let id: String
        switch platform {
        case "amazon": id = "B0" + String(String(random(), radix: 36).uppercased().prefix(8)).padding(toLength: 8, withPad: "X", startingAt: 0)
        case "ebay": id = "v1|\(100_000_000_000 + random() % 800_000_000_000)|0"
        default: id = String(random() % 9_000_000_000_000 + 1_000_000_000_000)
        }
        var picture = Picture(url: "https://cdn.example.com/\(count).jpg")
        if !pictures.isEmpty, chance(50) {
            // A near copy: flip a few bits of an earlier picture.
            var hash = PDQHash(hex: pictures[Int(random() % UInt64(pictures.count))])!
            hash.words.0 ^= 1 << (random() % 64)
            hash.words.2 ^= 1 << (random() % 64)
            picture.pdq = hash.hex
        } else {
            picture.pdq = hex()
        }
        picture.quality = 90
        remember(picture.pdq!, in: \.pictures)
        var handle = "user" + String(random() % 100_000_000_000, radix: 36)
        if !handles.isEmpty, chance(50) {
            // The same operator on another platform: an earlier handle with one letter changed.
            var letters = Array(handles[Int(random() % UInt64(handles.count))])
            let positions = letters.indices.filter { letters[$0].isLetter }
            let position = positions[Int(random() % UInt64(positions.count))]
            letters[position] = letters[position] == "z" ? "q" : "z"
            handle = String(letters)
        }
        remember(handle, in: \.handles)
        var item = Item(
            platform: platform, itemID: id, kind: isListing ? .listing : .post,
            account: Account(handle: handle),
            text: "Synthetic item \(count) with some words about a bracelet", pictures: [picture])
        if isListing {
            item.url = platform == "amazon" ? "https://www.amazon.com/dp/\(id)" : nil
            if platform == "amazon" { remember(id, in: \.listingIDs) }
        } else if !listingIDs.isEmpty, chance(10) {
            let asin = listingIDs[Int(random() % UInt64(listingIDs.count))]
            item.links = [Link(url: "https://www.amazon.com/dp/\(asin)", foundIn: "text", products: [ProductRef(platform: "amazon", itemID: asin)])]
        }
        if chance(20) {
            item.contacts = [Contact(kind: .whatsapp, value: "+1555\(1_000_000 + random() % 50_000)")]
        }
        item.signals = !isListing && chance(5) ? [Signal(brand: "cartier", signal: .brandTerm, rule: "exact", matched: "Cartier")] : []
        return item
    }
}
