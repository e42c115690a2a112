import Normalize
import Testing
import TouchstoneCore

/// Every canonical field, for every platform, on full and minimal native objects.
@Suite struct AdapterTests {
    let raw = RawRef(topic: "raw.posts", partition: 2, offset: 41, sha256: String(repeating: "ab", count: 32),
                     source: "/data/in/feed.ndjson", line: 7, capturedAt: "2026-11-30T01:02:03.004Z")

    func rawListing() -> RawRef { var r = raw; r.topic = "raw.listings"; return r }

    @Test func instagramMediaFull() throws {
        let items = try Fixtures.items("instagram", Fixtures.instagramMediaFull)
        #expect(items.count == 1)
        let item = try #require(items.first)
        #expect(item.platform == "instagram")
        #expect(item.itemID == "17895695668004550")
        #expect(item.key == "instagram:17895695668004550")
        #expect(item.kind == .post)
        #expect(item.url == "https://www.instagram.com/p/CeXyZ123/")
        #expect(item.account == Account(handle: "luxe.deals.daily"))
        #expect(item.title == nil)
        #expect(item.text?.hasPrefix("New drop 🔥 Santos-style watch & love bracelet.") == true)
        #expect(item.price == nil)
        #expect(item.pictures.map(\.url) == [
            "https://scontent.cdninstagram.com/v/t51/1.jpg", "https://scontent.cdninstagram.com/v/t51/2.jpg",
            "https://scontent.cdninstagram.com/v/t51/3.jpg",
        ])
        #expect(item.links == [
            Link(url: "amzn.to/3xYzAbC", foundIn: "text"),
            Link(url: "https://www.amazon.com/dp/B0C1234567", foundIn: "text", products: [ProductRef(platform: "amazon", itemID: "B0C1234567")]),
        ])
        #expect(item.hashtags == ["cartier", "LuxuryForLess"])
        #expect(item.mentions == ["influencer.jane"])
        #expect(item.contacts.contains(Contact(kind: .whatsapp, value: "+447700900123")))
        #expect(item.contacts.contains(Contact(kind: .telegram, value: "luxdeals_tg")))
        #expect(item.postedAt == "2022-06-15T10:00:00.000Z")
        #expect(item.raw == raw)
    }

    @Test func instagramMediaMinimal() throws {
        let item = try #require(try Fixtures.items("instagram", Fixtures.instagramMediaMinimal).first)
        #expect(item == Item(platform: "instagram", itemID: "17841400008460056", kind: .post, raw: raw))
    }

    @Test func instagramBusinessDiscovery() throws {
        let items = try Fixtures.items("instagram", Fixtures.instagramBusinessDiscovery, source: "/spool/instagram-1.ndjson")
        #expect(items.count == 3)
        let account = items[0]
        #expect(account.kind == .account)
        #expect(account.itemID == "luxe.deals.daily")
        #expect(account.url == "https://www.instagram.com/luxe.deals.daily/")
        let expectedAccount = Account(id: "17841405309211844", handle: "luxe.deals.daily", displayName: "Luxe Deals ✨",
                                      bio: "Replica-free 😉 premium goods. WhatsApp: wa.me/447700900123 | mail: Sales@LuxeDeals.example | Telegram t.me/luxdeals",
                                      website: "https://linktr.ee/luxedeals")
        #expect(account.account == expectedAccount)
        #expect(account.title == "Luxe Deals ✨")
        #expect(account.text == expectedAccount.bio)
        #expect(account.links.map(\.url) == ["wa.me/447700900123", "t.me/luxdeals", "https://linktr.ee/luxedeals"])
        #expect(account.links.map(\.foundIn) == ["bio", "bio", "website"])
        #expect(Set(account.contacts) == [
            Contact(kind: .whatsapp, value: "+447700900123"), Contact(kind: .email, value: "sales@luxedeals.example"),
            Contact(kind: .telegram, value: "luxdeals"),
        ])
        #expect(account.postedAt == nil)
        let first = items[1]
        #expect(first.kind == .post)
        #expect(first.itemID == "17918195224117851")
        #expect(first.account == expectedAccount)
        #expect(first.text == "Gold love bracelet, link in bio")
        #expect(first.pictures.map(\.url) == ["https://scontent.cdninstagram.com/a.jpg"])
        #expect(first.postedAt == "2022-06-14T08:30:00.000Z")
        #expect(first.links.contains(Link(url: "https://linktr.ee/luxedeals", foundIn: "website")))
        let video = items[2]
        // A video's picture is its thumbnail; a relative path resolves against the message file's folder.
        #expect(video.pictures.map(\.url) == ["file:///spool/pics/b-thumb.jpg"])
        #expect(video.postedAt == "2022-06-14T00:59:59.000Z")
        #expect(video.url == nil)
    }

    @Test func amazonFull() throws {
        let item = try #require(try Fixtures.items("amazon", Fixtures.amazonFull).first)
        #expect(item.itemID == "B0C1234567")
        #expect(item.kind == .listing)
        #expect(item.url == "https://www.amazon.com/dp/B0C1234567?tag=partner-20&linkCode=ogi")
        #expect(item.title == "Women's Screw Bracelet, 18K Gold Plated Titanium Steel")
        #expect(item.text == "Fits 6-7 inch wrists\nGift box included — contact support@jewel.example\nBrand: GENERIC\nManufacturer: Shenzhen Jewel Co.")
        #expect(item.price == Price(amount: "25.99", currency: "USD"))
        #expect(item.account == Account(id: "A2L77EE7U53NWQ", displayName: "JewelDirect"))
        #expect(item.pictures.map(\.url) == ["https://m.media-amazon.com/images/I/41abc.jpg", "https://m.media-amazon.com/images/I/51def.jpg"])
        #expect(item.contacts == [Contact(kind: .email, value: "support@jewel.example")])
        #expect(item.links.isEmpty)
        #expect(item.hashtags.isEmpty && item.mentions.isEmpty)
        #expect(item.postedAt == nil)
        #expect(item.raw == rawListing())
    }

    @Test func amazonMinimal() throws {
        let item = try #require(try Fixtures.items("amazon", Fixtures.amazonMinimal).first)
        #expect(item == Item(platform: "amazon", itemID: "B07XJ8C8F5", kind: .listing, url: "https://www.amazon.com/dp/B07XJ8C8F5", raw: rawListing()))
    }

    @Test func ebayFull() throws {
        let item = try #require(try Fixtures.items("ebay", Fixtures.ebayFull).first)
        #expect(item.itemID == "v1|123456789012|0")
        #expect(item.kind == .listing)
        #expect(item.url == "https://www.ebay.co.uk/itm/123456789012")
        #expect(item.title == "Love Bracelet 18k & Screwdriver")
        #expect(item.text == "Brand new never worn.\nCall 020 7946 0958")
        #expect(item.price == Price(amount: "25.00", currency: "GBP"))
        #expect(item.account == Account(id: "bling_outlet_uk", handle: "bling_outlet_uk"))
        #expect(item.pictures.map(\.url) == ["https://i.ebayimg.com/images/g/abc/s-l1600.jpg", "https://i.ebayimg.com/images/g/def/s-l1600.jpg"])
        // The seller is in GB, so the national number gets +44.
        #expect(item.contacts == [Contact(kind: .phone, value: "+442079460958")])
        #expect(item.postedAt == "2024-03-01T12:00:00.000Z")
    }

    @Test func ebayMinimal() throws {
        let item = try #require(try Fixtures.items("ebay", Fixtures.ebayMinimal).first)
        #expect(item == Item(platform: "ebay", itemID: "v1|987654321098|0", kind: .listing, url: "https://www.ebay.com/itm/987654321098", raw: rawListing()))
    }

    @Test func etsyFull() throws {
        let item = try #require(try Fixtures.items("etsy", Fixtures.etsyFull).first)
        #expect(item.itemID == "1234567890")
        #expect(item.url == "https://www.etsy.com/listing/1234567890/handmade-nail-bracelet")
        #expect(item.title == "Handmade Nail Bracelet \"Juste\" style")
        #expect(item.text?.hasPrefix("Made to order.\nSee also") == true)
        #expect(item.price == Price(amount: "25.99", currency: "EUR"))
        #expect(item.account == Account(id: "5551212", handle: "GoldNailStudio", displayName: "GoldNailStudio"))
        #expect(item.hashtags == ["bracelet", "nail", "gold"])
        #expect(item.pictures.count == 2)
        #expect(item.links == [
            Link(url: "https://www.etsy.com/listing/987654321/matching-ring", foundIn: "text", products: [ProductRef(platform: "etsy", itemID: "987654321")]),
            Link(url: "myshop.example.com/products/gold-cuff", foundIn: "text", products: [ProductRef(platform: "shopify", itemID: "myshop.example.com/products/gold-cuff")]),
        ])
        #expect(item.postedAt == "2023-11-14T22:13:20.000Z")
    }

    @Test func etsyMinimal() throws {
        let item = try #require(try Fixtures.items("etsy", Fixtures.etsyMinimal).first)
        #expect(item == Item(platform: "etsy", itemID: "1", kind: .listing, url: "https://www.etsy.com/listing/1", raw: rawListing()))
    }

    @Test func xFull() throws {
        let items = try Fixtures.items("x", Fixtures.xFull)
        #expect(items.count == 2)
        let tweet = items[0]
        #expect(tweet.itemID == "1460323737035677698")
        #expect(tweet.kind == .post)
        #expect(tweet.url == "https://x.com/dupe_queen/status/1460323737035677698")
        #expect(tweet.account == Account(id: "2244994945", handle: "dupe_queen", displayName: "Dupe Queen",
                                         bio: "DM for prices. WhatsApp https://api.whatsapp.com/send?phone=15551234567", website: "https://t.co/xyz"))
        #expect(tweet.text == "Best dupes & deals 👉 https://t.co/abc123 #cartier #dupes @LuxeDealsDaily")
        #expect(tweet.links.contains(Link(url: "https://www.ebay.com/itm/Love-Bracelet/123456789012", foundIn: "entities",
                                          products: [ProductRef(platform: "ebay", itemID: "v1|123456789012|0")])))
        #expect(tweet.links.contains(Link(url: "https://t.co/xyz", foundIn: "website")))
        #expect(!tweet.links.contains { $0.url == "https://t.co/abc123" })
        #expect(tweet.hashtags == ["cartier", "dupes"])
        #expect(tweet.mentions == ["LuxeDealsDaily"])
        #expect(tweet.contacts == [Contact(kind: .whatsapp, value: "+15551234567")])
        #expect(tweet.pictures.map(\.url) == ["https://pbs.twimg.com/media/FEaBc.jpg"])
        #expect(tweet.postedAt == "2021-11-15T19:08:05.000Z")
        let second = items[1]
        #expect(second.itemID == "18446744073709551615")
        #expect(second.account == Account(id: "999"))
        #expect(second.url == "https://x.com/i/web/status/18446744073709551615")
    }

    @Test func xMinimal() throws {
        let item = try #require(try Fixtures.items("x", Fixtures.xMinimal).first)
        #expect(item == Item(platform: "x", itemID: "20", kind: .post, url: "https://x.com/i/web/status/20", text: "just setting up my twttr", raw: raw))
    }

    @Test func aliexpressFull() throws {
        let item = try #require(try Fixtures.items("aliexpress", Fixtures.aliexpressFull).first)
        #expect(item.itemID == "1005004321987654")
        #expect(item.url == "https://www.aliexpress.com/item/1005004321987654.html")
        #expect(item.title == "Screw Love Bracelet Titanium & Gold")
        #expect(item.price == Price(amount: "3.99", currency: "USD"))
        #expect(item.account == Account(id: "912345678", website: "https://www.aliexpress.com/store/912345678"))
        #expect(item.pictures.map(\.url) == ["https://ae01.alicdn.com/kf/main.jpg", "https://ae01.alicdn.com/kf/s1.jpg", "https://ae01.alicdn.com/kf/s2.jpg"])
        #expect(item.links == [Link(url: "https://www.aliexpress.com/store/912345678", foundIn: "website")])
    }

    @Test func aliexpressMinimal() throws {
        let item = try #require(try Fixtures.items("aliexpress", Fixtures.aliexpressMinimal).first)
        #expect(item == Item(platform: "aliexpress", itemID: "1005000000000001", kind: .listing,
                             url: "https://www.aliexpress.com/item/1005000000000001.html", raw: rawListing()))
    }

    @Test func shopifyFull() throws {
        let item = try #require(try Fixtures.items("shopify", Fixtures.shopifyFull, extra: "goldnail.example").first)
        // A 64-bit id beyond 2^53 survives digit for digit.
        #expect(item.itemID == "7890123456789012345")
        #expect(item.url == "https://goldnail.example/products/juste-nail-bracelet")
        #expect(item.title == "Juste Nail Bracelet")
        #expect(item.text == "Our best seller & fan favourite.\n18k plated\nShips from LA\nQuestions? Email hello@shop.example")
        #expect(item.price == Price(amount: "39.00", currency: nil))
        #expect(item.account == Account(id: "goldnail.example", handle: "goldnail.example", displayName: "Gold Nail Co"))
        #expect(item.hashtags == ["bracelet", "gold", "nail"])
        #expect(item.pictures.map(\.url) == ["https://cdn.shopify.com/s/files/1/0001/products/a.jpg", "https://cdn.shopify.com/s/files/1/0001/products/b.jpg"])
        #expect(item.contacts == [Contact(kind: .email, value: "hello@shop.example")])
        #expect(item.postedAt == "2024-01-10T14:00:00.000Z")
    }

    @Test func shopifyMinimal() throws {
        let item = try #require(try Fixtures.items("shopify", Fixtures.shopifyMinimal).first)
        #expect(item == Item(platform: "shopify", itemID: "1", kind: .listing, raw: rawListing()))
    }

    @Test func tiktokFull() throws {
        let item = try #require(try Fixtures.items("tiktok", Fixtures.tiktokFull).first)
        #expect(item.itemID == "7311234567890123456")
        #expect(item.url == "https://www.tiktok.com/@dupe.finds/video/7311234567890123456")
        #expect(item.account == Account(handle: "dupe.finds"))
        #expect(item.text == "Found the bracelet dupe 😱 link in bio, text me 0612345678 #dupe #cartierlove")
        #expect(item.hashtags == ["dupe", "cartierlove", "fyp"])
        // Region FR: the national mobile number becomes +33.
        #expect(item.contacts == [Contact(kind: .phone, value: "+33612345678")])
        #expect(item.postedAt == "2023-12-11T13:06:40.000Z")
        #expect(item.pictures.isEmpty)
    }

    @Test func tiktokMinimal() throws {
        let item = try #require(try Fixtures.items("tiktok", Fixtures.tiktokMinimal).first)
        #expect(item == Item(platform: "tiktok", itemID: "7311234567890123457", kind: .post, url: "https://www.tiktok.com/video/7311234567890123457", raw: raw))
    }

    @Test func pinterestFull() throws {
        let item = try #require(try Fixtures.items("pinterest", Fixtures.pinterestFull).first)
        #expect(item.itemID == "813744226420795884")
        #expect(item.url == "https://www.pinterest.com/pin/813744226420795884/")
        #expect(item.title == "Love bracelet dupe")
        #expect(item.account == Account(handle: "dupequeen"))
        #expect(item.pictures.map(\.url) == ["https://i.pinimg.com/1200x/d5.jpg"])
        #expect(item.links == [
            Link(url: "https://www.etsy.com/listing/1234567890", foundIn: "url", products: [ProductRef(platform: "etsy", itemID: "1234567890")]),
            Link(url: "https://goldnail.example/products/juste-nail-bracelet", foundIn: "text",
                 products: [ProductRef(platform: "shopify", itemID: "goldnail.example/products/juste-nail-bracelet")]),
        ])
        #expect(item.contacts.isEmpty)
        #expect(item.postedAt == "2020-01-01T20:10:40.000Z")
    }

    @Test func pinterestMinimal() throws {
        let item = try #require(try Fixtures.items("pinterest", Fixtures.pinterestMinimal).first)
        #expect(item == Item(platform: "pinterest", itemID: "1", kind: .post, url: "https://www.pinterest.com/pin/1/", raw: raw))
    }

    @Test func genericFull() throws {
        let item = try #require(try Fixtures.items("generic", Fixtures.genericFull, source: "/in/generic.ndjson").first)
        #expect(item.platform == "vinted")
        #expect(item.itemID == "4512345678")
        #expect(item.kind == .listing)
        #expect(item.text == "Très bon état état, contactez moi au +33 6 12 34 56 78")
        #expect(item.price == Price(amount: "45.00", currency: "EUR"))
        #expect(item.account == Account(id: "77", handle: "marie_b", displayName: "Marie", bio: "insta @marie.b", website: "https://marie.example"))
        #expect(item.pictures.map(\.url) == ["https://images.vinted.net/1.jpg", "file:///in/img/2.jpg"])
        #expect(item.hashtags == ["bijoux"])
        #expect(item.mentions == ["marie.b"])
        #expect(Set(item.contacts) == [Contact(kind: .email, value: "marie@example.com"), Contact(kind: .phone, value: "+33612345678")])
        #expect(item.postedAt == "2024-05-05T10:00:00.000Z")
    }

    @Test func genericMinimal() throws {
        let item = try #require(try Fixtures.items("generic", Fixtures.genericMinimal).first)
        #expect(item == Item(platform: "vinted", itemID: "1", kind: .post, raw: raw))
    }

    @Test func oddButLegalValues() throws {
        // A price as a string with a sign and thousands separator, unicode, HTML, a 20-digit id.
        let ebay = try Fixtures.items("ebay", #"{"itemId":"v1|1|0","price":{"value":"$1,299.00","currency":"usd"},"title":"Ｃａｒｔｉｅｒ 💍 &lt;b&gt;"}"#)[0]
        #expect(ebay.price == Price(amount: "1299.00", currency: "USD"))
        #expect(ebay.title == "Ｃａｒｔｉｅｒ 💍 <b>")
        let etsy = try Fixtures.items("etsy", #"{"listing_id":"12","price":{"amount":5,"divisor":1000,"currency_code":"JPY"}}"#)[0]
        #expect(etsy.price == Price(amount: "0.005", currency: "JPY"))
        let amazon = try Fixtures.items("amazon", #"{"ASIN":"B000000001","Offers":{"Listings":[{"Price":{"Amount":1E+2,"Currency":"EUR"}}]}}"#)[0]
        #expect(amazon.price == Price(amount: "100.0", currency: "EUR"))
        let tiktok = try Fixtures.items("tiktok", #"{"id":12345678901234567890123,"create_time":"1702300000"}"#)[0]
        #expect(tiktok.itemID == "12345678901234567890123")
        #expect(tiktok.postedAt == "2023-12-11T13:06:40.000Z")
        let escaped = try Fixtures.items("instagram", #"{"id":"5","caption":"\u00c7a va \ud83d\ude00 #\u00e9t\u00e9"}"#)[0]
        #expect(escaped.text == "Ça va 😀 #été")
        #expect(escaped.hashtags == ["été"])
    }
}
