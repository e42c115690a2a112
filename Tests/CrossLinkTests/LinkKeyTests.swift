import Testing
import TouchstoneCore
@testable import CrossLink

@Suite struct LinkKeyTests {
    @Test(arguments: [
        ("https://www.amazon.com/dp/B0C1234567?tag=x", "ref:amazon:B0C1234567"),
        ("https://www.amazon.de/Some-Title/dp/b0c1234567/ref=sr_1", "ref:amazon:B0C1234567"),
        ("https://www.amazon.com/gp/product/B0C1234567", "ref:amazon:B0C1234567"),
        ("https://www.amazon.com/sp?seller=A2XJ5GENERIC", "acct:amazon:a2xj5generic"),
        ("https://www.ebay.com/itm/256123456789", "ref:ebay:256123456789"),
        ("https://www.ebay.co.uk/itm/gold-bangle/256123456789?hash=1", "ref:ebay:256123456789"),
        ("https://www.ebay.com/str/bestbangles", "acct:ebay:bestbangles"),
        ("https://www.etsy.com/listing/1523456789/gold-screw-bangle", "ref:etsy:1523456789"),
        ("https://www.etsy.com/shop/GoldScrewStudio", "acct:etsy:goldscrewstudio"),
        ("https://www.aliexpress.com/item/1005006123456789.html", "ref:aliexpress:1005006123456789"),
        ("https://www.aliexpress.com/store/1102345678", "acct:aliexpress:1102345678"),
        ("https://luxe-bangles.shop/products/love-style", "domain:luxe-bangles.shop"),
        ("https://luxe-bangles.shop/products/love-style", "ref:shop:luxe-bangles.shop/love-style"),
        ("https://wa.me/447911123456", "contact:phone:911123456"),
        ("https://t.me/luxereplicas", "contact:telegram:luxereplicas"),
        ("https://www.instagram.com/luxe.finds.daily/", "acct:instagram:luxe.finds.daily"),
        ("https://www.tiktok.com/@lux.replica.world/video/7301234567890123456", "ref:tiktok:7301234567890123456"),
        ("https://amzn.to/3xYzAbC", "url:amzn.to/3xyzabc"),
    ])
    func urlKeys(url: String, key: String) {
        #expect(URLKeys.keys(for: url).map(\.key).contains(key))
    }

    @Test func marketplaceHomePagesAreNotEvidence() {
        #expect(URLKeys.keys(for: "https://www.amazon.com/").isEmpty)
        #expect(URLKeys.keys(for: "https://linktr.ee").isEmpty)
    }

    @Test func itemKeysIncludeTextIDsContactsAndHandles() {
        let item = Fixture.item(
            "x", "1", kind: .post, handle: "@Luxe_Finds.Daily",
            text: "eBay 256123456789 or amazon B0C1234567, mail luxe@example.org",
            contacts: [Contact(kind: .whatsapp, value: "+44 7911 123456")])
        let keys = Set(LinkKeyExtractor().keys(of: item).map(\.key))
        #expect(keys.isSuperset(of: [
            "ref:x:1", "ref:ebay:256123456789", "ref:amazon:B0C1234567", "contact:email:luxe@example.org",
            "contact:phone:911123456", "handle:luxefindsdaily", "acct:x:luxe_finds.daily",
        ]))
    }

    @Test func aPhoneNumberIsNotAnEbayIDWithoutTheWordEbay() {
        let item = Fixture.item("x", "1", kind: .post, text: "call 447911123456")
        #expect(!LinkKeyExtractor().keys(of: item).contains { $0.key.hasPrefix("ref:ebay") })
    }

    @Test func shortOrNumericHandlesDoNotJoin() {
        #expect(LinkKeyExtractor().handleKeys("shop", foundIn: "account.handle").isEmpty)
        #expect(LinkKeyExtractor().handleKeys("12345678", foundIn: "account.handle").isEmpty)
    }

    @Test func similarHandlesJoinAcrossPlatformsWithOneEdit() async throws {
        let stage = try CrossLinkProcessor(statePath: nil)
        _ = try await stage.ingest(Fixture.item("instagram", "1", kind: .post, handle: "goldscrewstudio"))
        let out = try await stage.ingest(Fixture.item("etsy", "2", kind: .listing, handle: "GoldScrewStudios"))
        #expect(out[0].edges.contains { $0.signal == .similarHandle && $0.detail.contains("one letter apart") })
        let unrelated = try await stage.ingest(Fixture.item("etsy", "3", kind: .listing, handle: "SilverScrewStudio"))
        #expect(unrelated[0].linked.isEmpty, "two edits apart: no join")
    }
}
