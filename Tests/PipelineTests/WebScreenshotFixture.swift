import Foundation
import Materializer
import Testing
import TouchstoneCore
import Transport

/// Writes a view that looks like the demo's result (the four cross-platform
/// cases, pictures from Sources/Pipeline/Demo/messages/images) into `$TOUCHSTONE_WEB_FIXTURE`,
/// for looking at the UI by hand or in a headless-browser screenshot:
///
///     TOUCHSTONE_WEB_FIXTURE=/tmp/ui swift test --filter WebScreenshotFixture
///     touchstone serve --data /tmp/ui --brands Sources/Pipeline/Demo/brands
@Suite struct WebScreenshotFixture {
    static let target = ProcessInfo.processInfo.environment["TOUCHSTONE_WEB_FIXTURE"]
    static let images = MaterializerCrashTests.packageRoot.appendingPathComponent("Sources/Pipeline/Demo/messages/images")

    static func item(_ platform: String, _ id: String, _ kind: ItemKind, title: String?, text: String? = nil, handle: String?,
                     url: String, picture: String?, line: Int, price: String? = nil) -> Item {
        var item = Item(platform: platform, itemID: id, kind: kind, url: url, account: handle.map { Account(handle: $0) },
                        title: title, text: text, price: price.map { Price(amount: $0, currency: "USD") })
        item.raw = RawRef(topic: kind == .listing ? TopicName.rawListings : TopicName.rawPosts, partition: 0, offset: Int64(line),
                          sha256: SHA256Hex.of(Array("\(platform) \(id) line".utf8)), source: "demo/messages/\(platform)-demo.ndjson",
                          line: line, capturedAt: "2026-11-28T10:00:00.000Z")
        if let picture {
            let file = images.appendingPathComponent(picture)
            var p = Picture(url: file.absoluteString)
            p.sha256 = FileManager.default.contents(atPath: file.path).map { SHA256Hex.of(Array($0)) }
            p.pdq = SHA256Hex.of(Array(picture.utf8))
            p.quality = 100
            p.matches = [ReferenceMatch(brand: "aurelle", reference: "images/aurelle-lune.jpg", distance: picture.hasPrefix("etsy") ? 18 : 4, transform: "original")]
            item.pictures = [p]
        }
        item.profiles = [ProfileVersion(brand: "aurelle", version: "v1")]
        return item
    }

    static func verdict(_ severity: Severity, _ score: Double, _ reasons: [(SignalName, String)]) -> [BrandVerdict] {
        [BrandVerdict(brand: "aurelle", severity: severity, score: score, reasons: reasons.map { Reason(signal: $0.0, detail: $0.1) })]
    }

    static func demoFindings() -> [ItemFindings] {
        let ig = item("instagram", "17895695668004550", .post, title: nil, text: "Obsessed with this Aurelle Lune look 🌙 link in bio! #aurelle #moonphase",
                      handle: "luxe.finds.daily", url: "https://www.instagram.com/p/C8demoLune01/", picture: "ig-lune-post.jpg", line: 1)
        let amazon = item("amazon", "B0DMQX7Z41", .listing, title: "Women's Moonphase Wrist Watch, Gold Tone Case, Navy Dial, Leather Strap - Elegant Gift",
                          handle: "A3QXTRADING77", url: "https://www.amazon.com/dp/B0DMQX7Z41", picture: "amazon-moonphase.jpg", line: 1, price: "39.99")
        let tiktok = item("tiktok", "7301234567890123457", .post, title: nil, text: "Aurelle Lune dupe 1:1 😱 only $25!! WhatsApp +44 7700 900123 to order",
                          handle: "watchdeals.tt", url: "https://www.tiktok.com/@watchdeals.tt/video/7301234567890123457", picture: nil, line: 1)
        let ali = item("aliexpress", "1005006123456789", .listing, title: "Luxury Ladies Moonphase Quartz Watch Gold - wholesale, WhatsApp +447700900123",
                       handle: "912345", url: "https://www.aliexpress.com/item/1005006123456789.html", picture: "aliexpress-box.jpg", line: 1, price: "24.90")
        let pin = item("pinterest", "987654321098765432", .post, title: "Moonphase watch inspo", text: "Aurelle Lune inspired, love this navy dial",
                       handle: "styleboard.maya", url: "https://www.pinterest.com/pin/987654321098765432/", picture: "pin-lune.jpg", line: 1)
        let etsy = item("etsy", "1587654321", .listing, title: "Vintage Style Moonphase Watch, Navy & Gold, Gift for Her", handle: "MoonlitFindsShop",
                        url: "https://www.etsy.com/listing/1587654321/vintage-style-moonphase-watch", picture: "etsy-moonphase.jpg", line: 1, price: "45.00")
        let tweet = item("x", "1859012345678901234", .post, title: nil, text: "Real Aurelle Lune for $45 👀 fast shipping https://t.co/aB3dEmo",
                         handle: "dealz_hub_uk", url: "https://x.com/dealz_hub_uk/status/1859012345678901234", picture: nil, line: 1)
        let ebay = item("ebay", "v1|325551234567|0", .listing, title: "Ladies Moonphase Watch Gold Tone Navy Dial NEW", handle: "dealzhub-uk",
                        url: "https://www.ebay.com/itm/325551234567", picture: "ebay-moonphase.jpg", line: 1, price: "45.00")
        let official = item("amazon", "B0AURELLE01", .listing, title: "Aurelle Lune Moonphase Watch 34mm, 18k Gold", handle: "A1AURELLEOFFICIAL",
                            url: "https://www.amazon.com/dp/B0AURELLE01", picture: "official-lune.jpg", line: 2, price: "1890.00")
        let bottle = item("amazon", "B0BOTTLE123", .listing, title: "Insulated Stainless Steel Water Bottle 750ml", handle: nil,
                          url: "https://www.amazon.com/dp/B0BOTTLE123", picture: "noise-bottle.jpg", line: 3, price: "19.50")

        func pair(_ a: Item, _ b: Item, _ cluster: String, _ edges: [(SignalName, String, Double)], _ va: [BrandVerdict], _ vb: [BrandVerdict]) -> [ItemFindings] {
            let e = edges.map { ClusterEdge(from: a.key, to: b.key, signal: $0.0, detail: $0.1, weight: $0.2) }
            return [
                ItemFindings(item: a, verdicts: va, clusterID: cluster, linked: [LinkedItem(platform: b.platform, itemID: b.itemID)], edges: e),
                ItemFindings(item: b, verdicts: vb, clusterID: cluster, linked: [LinkedItem(platform: a.platform, itemID: a.itemID)], edges: e),
            ]
        }
        return pair(ig, amazon, "c-4f1a09d2", [(.linkInBio, "bio website https://www.amazon.com/dp/B0DMQX7Z41 → ASIN B0DMQX7Z41", 0.9), (.sameImage, "PDQ distance 4 between the post's and the listing's pictures", 0.8)],
                    verdict(.high, 0.82, [(.imageMatch, "PDQ distance 4 to images/aurelle-lune.jpg"), (.brandTerm, "\"Aurelle\" in caption (exact)"), (.product, "\"Aurelle Lune\" in caption")]),
                    verdict(.critical, 0.91, [(.imageMatch, "PDQ distance 4 to post 17895695668004550 (instagram)"), (.priceUnderFloor, "39.99 USD is under the 900 USD floor"), (.linkInBio, "promoted from instagram @luxe.finds.daily's bio")]))
            + pair(tiktok, ali, "c-7b22e310", [(.sameContact, "WhatsApp +447700900123 in both", 0.85)],
                   verdict(.high, 0.78, [(.counterfeitTerm, "\"dupe\", \"1:1\" in text"), (.brandTerm, "\"Aurelle\" in text"), (.priceUnderFloor, "$25 under the 900 USD floor")]),
                   verdict(.high, 0.74, [(.imagePartMatch, "images/aurelle-logo.png inside the picture at [400, 400, 220, 220], distance 14"), (.sameContact, "WhatsApp +447700900123 also in tiktok 7301234567890123457"), (.priceUnderFloor, "24.90 USD under the 900 USD floor")]))
            + pair(pin, etsy, "c-a913bb40", [(.sameImage, "PDQ distance 18 (resized, recompressed)", 0.7)],
                   verdict(.medium, 0.55, [(.imageMatch, "PDQ distance 10 to images/aurelle-lune.jpg"), (.brandTerm, "\"Aurelle\" in description")]),
                   verdict(.high, 0.71, [(.imageMatch, "PDQ distance 18 to images/aurelle-lune.jpg"), (.priceUnderFloor, "45.00 USD under the 900 USD floor")]))
            + pair(tweet, ebay, "c-0ce51d77", [(.linksTo, "tweet links ebay.com/itm/325551234567", 0.9)],
                   verdict(.medium, 0.6, [(.brandTerm, "\"Aurelle\" in text"), (.priceUnderFloor, "$45 under the 900 USD floor")]),
                   verdict(.high, 0.76, [(.linksTo, "linked from x 1859012345678901234 that names Aurelle Lune"), (.imageMatch, "PDQ distance 6 to images/aurelle-lune.jpg"), (.priceUnderFloor, "45.00 USD under the 900 USD floor")]))
            + [
                ItemFindings(item: official, verdicts: verdict(.low, 0.12, [(.authorizedAccount, "A1AURELLEOFFICIAL is authorized on amazon"), (.brandTerm, "\"Aurelle\" in title")])),
                ItemFindings(item: bottle, verdicts: []),
            ]
    }

    @Test(.enabled(if: target != nil, "set TOUCHSTONE_WEB_FIXTURE=DIR to write the UI fixture"))
    func writeFixture() async throws {
        let directory = URL(fileURLWithPath: Self.target!, isDirectory: true)
        try? FileManager.default.removeItem(at: MaterializedView.path(dataDirectory: directory))
        let view = try MaterializedView(writingAt: MaterializedView.path(dataDirectory: directory))
        let findings = Self.demoFindings()
        let alert = Alert(brand: "aurelle", platform: "amazon", itemID: "B0DMQX7Z41", kind: .listing, url: "https://www.amazon.com/dp/B0DMQX7Z41",
                          severity: .critical, score: 0.91, reasons: findings[1].verdicts[0].reasons, clusterID: "c-4f1a09d2", linked: findings[1].linked,
                          raisedAt: "2026-11-28T10:00:02.000Z")
        try await view.apply(findings.enumerated().map { MaterializerFixtures.findingsMessage($1, offset: Int64($0)) }
            + [MaterializerFixtures.alertMessage(alert, offset: 0),
               MaterializerFixtures.decisionMessage(Decision(brand: "aurelle", platform: "amazon", itemID: "B0AURELLE01", action: .dismissed,
                                                             by: "demo", note: "our own store", at: "2026-11-28T11:00:00.000Z"), offset: 0)])
    }
}
