import BrandProfiles
import Foundation
import Testing
import TextMatch
import TouchstoneCore

/// Item-level signals: price under the floor with currency conversion, authorized
/// accounts, picture matches carried from hash-images, brand context, platforms.
@Suite("Item signals")
struct ItemSignalTests {
    let matcher = Fixtures.matcher

    @Test func priceUnderFloorSameCurrency() {
        var item = Item(platform: "amazon", itemID: "B0C1", kind: .listing, title: "Cartier love bracelet gold")
        item.price = Price(amount: "45.00", currency: "USD")
        let price = matcher.signals(for: item).filter { $0.signal == .priceUnderFloor }
        #expect(price.count == 1)
        #expect(price.first?.brand == "cartier")
        #expect(price.first?.rule == "floor")
    }

    @Test func priceConvertedFromAnotherCurrency() {
        // Rolex's floor is 5000 EUR; 4900 USD is under it, 6000 USD is not.
        var item = Item(platform: "ebay", itemID: "1", kind: .listing, title: "Rolex Submariner")
        item.price = Price(amount: "4900", currency: "USD")
        #expect(matcher.signals(for: item).contains { $0.signal == .priceUnderFloor && $0.brand == "rolex" })
        item.price = Price(amount: "6000", currency: "USD")
        #expect(!matcher.signals(for: item).contains { $0.signal == .priceUnderFloor })
        // 800 GBP ≈ 1056 USD is under Cartier's 1500 USD floor.
        var cartier = Item(platform: "ebay", itemID: "2", kind: .listing, title: "Cartier Tank")
        cartier.price = Price(amount: "800", currency: "GBP")
        let signal = matcher.signals(for: cartier).first { $0.signal == .priceUnderFloor }
        #expect(signal?.detail?.contains("rates of \(ExchangeRates.default.date)") == true)
    }

    @Test func ratesFromAFileOverrideTheDefault() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("rates-\(UUID().uuidString).json")
        try #"{"date":"2030-01-01","source":"test","usd_per_unit":{"EUR":10}}"#.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let rates = try ExchangeRates.load(from: file)
        #expect(rates.date == "2030-01-01")
        let folder = try Fixtures.brandsFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let custom = TextMatcher(profiles: try BrandProfileLoader.loadDirectory(folder), rates: rates)
        var item = Item(platform: "ebay", itemID: "1", kind: .listing, title: "Cartier Tank")
        item.price = Price(amount: "200", currency: "EUR") // 2000 USD at this table's rate: over the floor.
        #expect(!custom.signals(for: item).contains { $0.signal == .priceUnderFloor })
        #expect(matcher.signals(for: item).contains { $0.signal == .priceUnderFloor })
    }

    @Test func badRatesFileNamesTheFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("rates-\(UUID().uuidString).json")
        try #"{"source":"x","usd_per_unit":{}}"#.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect { try ExchangeRates.load(from: file) } throws: { error in
            "\(error)".contains(file.path) && "\(error)".contains("date")
        }
    }

    @Test func noPriceSignalWithoutBrandContext() {
        var item = Item(platform: "amazon", itemID: "B0C2", kind: .listing, title: "Gold bangle bracelet for women")
        item.price = Price(amount: "19.99", currency: "USD")
        #expect(matcher.signals(for: item).isEmpty)
    }

    @Test func authorizedAccountByHandleAndSellerID() {
        let post = Item(platform: "instagram", itemID: "1", kind: .post, account: Account(handle: "cartier"), text: "Our new Tank")
        let signals = matcher.signals(for: post)
        #expect(signals.contains { $0.signal == .authorizedAccount && $0.rule == "account" })
        // The authorized account is brand context: the common-word product counts.
        #expect(signals.contains { $0.signal == .product && $0.matched == "Tank" })
        let listing = Item(platform: "amazon", itemID: "2", kind: .listing, account: Account(id: "A1CARTIER0OFFICIAL"), title: "Bracelet")
        #expect(matcher.signals(for: listing).contains { $0.signal == .authorizedAccount && $0.rule == "seller-id" })
        // Same handle on another platform is not authorized.
        let other = Item(platform: "tiktok", itemID: "3", kind: .post, account: Account(handle: "cartier"), text: "hi")
        #expect(!matcher.signals(for: other).contains { $0.signal == .authorizedAccount })
    }

    @Test func pictureMatchesBecomeSignals() {
        var item = Item(platform: "amazon", itemID: "B0C3", kind: .listing, title: "Gold bangle 18k plated")
        var whole = Picture(url: "https://example.com/a.jpg")
        whole.matches = [ReferenceMatch(brand: "cartier", reference: "images/logo.png", distance: 12, transform: "original")]
        var part = Picture(url: "https://example.com/b.jpg")
        part.matches = [ReferenceMatch(brand: "cartier", reference: "images/logo.png", distance: 20, transform: "mirror", region: [10, 10, 64, 64])]
        item.pictures = [whole, part]
        item.price = Price(amount: "30", currency: "USD")
        let signals = matcher.signals(for: item)
        #expect(signals.contains { $0.signal == .imageMatch && $0.field == "pictures[0]" && $0.detail?.contains("distance 12") == true })
        #expect(signals.contains { $0.signal == .imagePartMatch && $0.field == "pictures[1]" })
        // A picture match is brand context for the price.
        #expect(signals.contains { $0.signal == .priceUnderFloor })
    }

    @Test func productNeedingContextCountsWithBrandInAnotherField() {
        let item = Item(platform: "ebay", itemID: "9", kind: .listing, title: "Tank Française steel", text: "Genuine Cartier, box and papers")
        #expect(matcher.signals(for: item).contains { $0.signal == .product && $0.field == "title" && $0.matched == "Tank" })
    }

    @Test func platformsListLimitsTheProfile() {
        // Cartier watches only its listed platforms; `vinted` is not one of them.
        let item = Item(platform: "vinted", itemID: "1", kind: .listing, title: "Cartier Tank")
        #expect(!matcher.signals(for: item).contains { $0.brand == "cartier" })
        #expect(matcher.signals(for: item, ignoringPlatforms: true).contains { $0.brand == "cartier" })
    }

    @Test func cleanItemHasNoSignals() {
        let item = Item(platform: "instagram", itemID: "1", kind: .post, text: "Sunday brunch with friends ☀️ #weekend")
        #expect(matcher.signals(for: item).isEmpty)
    }

    @Test func manyBrandsInOneText() {
        let signals = matcher.signals(inText: "Cartier, Rolex and Gucci outlet: replicas AAA")
        let brands = Set(signals.filter { $0.signal == .brandTerm }.map(\.brand))
        #expect(brands == ["cartier", "rolex", "gucci"])
        #expect(signals.filter { $0.signal == .counterfeitTerm }.count >= 6)
    }
}
