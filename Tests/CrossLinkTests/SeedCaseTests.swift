import Foundation
import Testing
import TouchstoneCore
import Transport
@testable import CrossLink

/// The case Touchstone exists for (PRODUCT.md) and its variants, through the
/// cross-link processor as plain values.
@Suite struct SeedCaseTests {
    func processor() throws -> CrossLinkProcessor { try CrossLinkProcessor(statePath: nil) }

    @Test func instagramPostSellsThroughGenericAmazonListing() async throws {
        let stage = try processor()
        let first = try await stage.ingest(Fixture.instagramPost)
        #expect(first.count == 1)
        #expect(first[0].verdicts.first?.severity == .medium, "the post alone: an official photo")

        let second = try await stage.ingest(Fixture.amazonListing)
        let listing = try #require(second.first { $0.item.key == "amazon:B0C1234567" })
        let post = try #require(second.first { $0.item.key == "instagram:17895695668004550" }, "the post is re-judged when its listing arrives")
        let verdict = try #require(listing.verdicts.first)
        #expect(verdict.brand == "cartier")
        #expect(verdict.severity >= .high)
        #expect(verdict.reasons.contains { $0.signal == .linksTo && $0.detail.contains("instagram:17895695668004550") })
        #expect(verdict.reasons.contains { $0.signal == .imageMatch && $0.detail.contains("via instagram:17895695668004550") })
        #expect(listing.linked == [LinkedItem(platform: "instagram", itemID: "17895695668004550")])
        #expect(listing.clusterID != nil && listing.clusterID == post.clusterID)
        #expect(listing.edges.contains { $0.signal == .linksTo && $0.from == "instagram:17895695668004550" && $0.to == "amazon:B0C1234567" })
        #expect(post.verdicts.first?.severity ?? .none >= .high)
    }

    @Test func listingFirstThenPost() async throws {
        let stage = try processor()
        let first = try await stage.ingest(Fixture.amazonListing)
        #expect(first.count == 1 && first[0].verdicts.isEmpty, "a generic listing alone is clean")
        let second = try await stage.ingest(Fixture.instagramPost)
        let listing = try #require(second.first { $0.item.key == "amazon:B0C1234567" }, "the listing seen before gets new findings")
        #expect(listing.verdicts.first?.severity ?? .none >= .high)
    }

    @Test func shortLinkInBioJoinsTheListingThroughTheSameShortLink() async throws {
        // The post's bio carries an amzn.to link; the listing is unknown to it, but a second
        // post using the same short link joins the first as "both link to".
        let stage = try processor()
        var post = Fixture.instagramPost
        post.links = []
        post.text = "New drop"
        post.account?.website = "https://amzn.to/3xYzAbC"
        let other = Fixture.item("x", "1790000000000000001", kind: .post, handle: "someone_else", text: "Get it here https://amzn.to/3xYzAbC")
        _ = try await stage.ingest(post)
        let out = try await stage.ingest(other)
        let tweet = try #require(out.first { $0.item.key == other.key })
        #expect(tweet.linked.contains(LinkedItem(platform: "instagram", itemID: "17895695668004550")))
    }

    @Test func tiktokToAliExpressByWhatsAppNumber() async throws {
        let stage = try processor()
        let video = Fixture.item(
            "tiktok", "7301234567890123456", kind: .post, handle: "lux.replica.world",
            text: "Cartier love bracelet 1:1 replica, DM on WhatsApp +44 7911 123456",
            contacts: [Contact(kind: .whatsapp, value: "+447911123456")],
            signals: [Fixture.signal("cartier", .brandTerm, matched: "Cartier"), Fixture.signal("cartier", .counterfeitTerm, matched: "1:1 replica")])
        let listing = Fixture.item(
            "aliexpress", "1005006123456789", kind: .listing, handle: "Shop1102345678 Store",
            text: "Screw bangle stainless steel. Contact whatsapp 07911 123456 for wholesale",
            contacts: [Contact(kind: .phone, value: "07911 123456")], price: "18.20")
        _ = try await stage.ingest(listing)
        let out = try await stage.ingest(video)
        let judged = try #require(out.first { $0.item.key == listing.key })
        let verdict = try #require(judged.verdicts.first)
        #expect(verdict.brand == "cartier" && verdict.severity >= .medium)
        #expect(verdict.reasons.contains { $0.signal == .sameContact })
        #expect(judged.edges.contains { $0.signal == .sameContact })
    }

    @Test func pinterestToEtsyBySamePhotoResizedAndRecompressed() async throws {
        let stage = try processor()
        // PDQ of the same photo after resizing and recompressing differs in a few bits.
        let pin = Fixture.item(
            "pinterest", "987654321098765432", kind: .post, handle: "jewelrydreams",
            text: "Cartier Love bracelet look for less", pictures: [Fixture.picture(RecompressedPhoto.original)],
            signals: [Fixture.signal("cartier", .brandTerm, matched: "Cartier"), Fixture.signal("cartier", .product, matched: "Love bracelet")])
        let etsy = Fixture.item(
            "etsy", "1523456789", kind: .listing, handle: "GoldScrewStudio", text: "Gold screw bangle, handmade",
            pictures: [Fixture.picture(RecompressedPhoto.resizedRecompressed)], price: "45.00")
        _ = try await stage.ingest(pin)
        let out = try await stage.ingest(etsy)
        let judged = try #require(out.first { $0.item.key == etsy.key })
        #expect(judged.verdicts.first?.brand == "cartier")
        #expect(judged.verdicts.first?.severity ?? .none >= .medium)
        let edge = try #require(judged.edges.first { $0.signal == .sameImage })
        #expect(edge.detail.contains("PDQ distance"))
    }

    @Test func xToEbayByItemIDInText() async throws {
        let stage = try processor()
        let tweet = Fixture.item(
            "x", "1791234567890123456", kind: .post, handle: "dealz4u",
            text: "Cartier Juste un Clou AAA quality, eBay item 256123456789 — be quick",
            signals: [Fixture.signal("cartier", .brandTerm, matched: "Cartier"), Fixture.signal("cartier", .product, matched: "Juste un Clou"),
                      Fixture.signal("cartier", .counterfeitTerm, matched: "AAA")])
        let ebay = Fixture.item(
            "ebay", "v1|256123456789|0", kind: .listing, handle: "bestbangles_88", text: "Nail bracelet gold plated",
            url: "https://www.ebay.com/itm/256123456789", price: "29.00")
        _ = try await stage.ingest(ebay)
        let out = try await stage.ingest(tweet)
        let judged = try #require(out.first { $0.item.key == ebay.key })
        #expect(judged.verdicts.first?.severity ?? .none >= .medium)
        #expect(judged.edges.contains { $0.signal == .linksTo && $0.detail.contains("256123456789") })
    }

    @Test func unlinkedGenericListingsStayClean() async throws {
        let stage = try processor()
        _ = try await stage.ingest(Fixture.instagramPost)
        for index in 0..<20 {
            let listing = Fixture.item(
                "amazon", "B0D00000\(String(format: "%02d", index))", kind: .listing, handle: "SELLER\(index)",
                text: "Stainless steel bangle \(index)", pictures: [Fixture.picture(SHA256Hex.of(Array("listing photo \(index)".utf8)))],
                price: "19.99")
            let out = try await stage.ingest(listing)
            #expect(out.count == 1, "\(out.first?.edges.map(\.detail) ?? [])")
            #expect(out[0].verdicts.isEmpty && out[0].clusterID == nil && out[0].linked.isEmpty)
        }
    }

    @Test func authorizedAccountIsNotJudgedAndPassesNoRisk() async throws {
        let stage = try processor()
        let official = Fixture.item(
            "instagram", "1", kind: .post, handle: "cartier", text: "Love https://www.amazon.com/dp/B0C1234567",
            signals: [Fixture.signal("cartier", .brandTerm, matched: "Cartier"), Fixture.signal("cartier", .authorizedAccount)])
        _ = try await stage.ingest(official)
        let out = try await stage.ingest(Fixture.amazonListing)
        #expect(out.allSatisfy { $0.verdicts.isEmpty })
    }
}

/// PDQ hashes of one photo (scikit-image's `astronaut`) and of the same photo
/// resized to 60% and saved again as JPEG quality 40, by Meta's reference
/// implementation (pdqhash), distance 8. Made once by Tests/CrossLinkTests/make_pdq_fixture.py.
enum RecompressedPhoto {
    static let original = "2d6b1af3a956c529e79ca3d2526fa834d4196c81cedd04de0a26b855fc99b724"
    static let resizedRecompressed = "2d2f1af3a876c529c79ca3d6526fa834d4196c81c6dd04de0a26f855fc99b724"
}
