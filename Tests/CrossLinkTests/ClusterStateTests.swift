import Foundation
import Testing
import TouchstoneCore
import Transport
@testable import CrossLink

/// Links across partitions, in either order, and across restarts of the stage.
@Suite struct ClusterStateTests {
    @Test(arguments: [false, true])
    func linksItemsFromDifferentPartitionsInEitherOrder(listingFirst: Bool) async throws {
        let stage = try CrossLinkProcessor(statePath: nil)
        let post = try Fixture.message(Fixture.instagramPost, partition: 3, offset: 41)
        let listing = try Fixture.message(Fixture.amazonListing, partition: 0, offset: 7)
        #expect(post.partition != listing.partition)
        let (first, second) = listingFirst ? (listing, post) : (post, listing)
        _ = try await stage.process(first)
        try await stage.batchDidComplete([first.position: first.offset + 1])
        let outputs = try await stage.process(second)
        try await stage.batchDidComplete([second.position: second.offset + 1])
        let findings = try outputs.map { try TopicJSON.decode(ItemFindings.self, from: $0.value) }
        #expect(Set(findings.map(\.item.key)) == ["amazon:B0C1234567", "instagram:17895695668004550"])
        #expect(outputs.allSatisfy { $0.topic == TopicName.findings })
        #expect(outputs.map { $0.key.map { String(decoding: $0, as: UTF8.self) } } == findings.map(\.item.key))
        let listingFindings = try #require(findings.first { $0.item.key == "amazon:B0C1234567" })
        #expect(listingFindings.verdicts.first?.severity ?? .none >= .high)
        let offsets = try await stage.reflectedOffsets()
        #expect(offsets[post.position] == 42 && offsets[listing.position] == 8)
    }

    @Test func stateSurvivesARestartAndLinksANewItemToAnOldOne() async throws {
        let directory = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = CrossLinkProcessor.statePath(dataDirectory: directory)
        do {
            let stage = try CrossLinkProcessor(statePath: path)
            let pin = Fixture.item("pinterest", "1", kind: .post, text: "Cartier look", pictures: [Fixture.picture(RecompressedPhoto.original)],
                                   signals: [Fixture.signal("cartier", .brandTerm, matched: "Cartier")])
            _ = try await stage.ingest(pin)
            _ = try await stage.ingest(Fixture.instagramPost)
            try await stage.checkpoint([TopicPartition(topic: TopicName.itemsMatched, partition: 0): 2])
            // An uncommitted item is lost with the process, as its offset was not committed either.
            _ = try await stage.ingest(Fixture.item("x", "99", kind: .post, text: "ghost https://www.amazon.com/dp/B0C1234567"))
        }
        let reopened = try CrossLinkProcessor(statePath: path)
        #expect(try await reopened.reflectedOffsets() == [TopicPartition(topic: TopicName.itemsMatched, partition: 0): 2])
        #expect(try await reopened.findings(forKey: "x:99") == nil)
        let out = try await reopened.ingest(Fixture.amazonListing)
        let listing = try #require(out.first { $0.item.key == "amazon:B0C1234567" })
        #expect(listing.verdicts.first?.severity ?? .none >= .high)
        #expect(listing.linked == [LinkedItem(platform: "instagram", itemID: "17895695668004550")])
        // Pictures are back in the near-duplicate index too.
        let etsy = Fixture.item("etsy", "2", kind: .listing, pictures: [Fixture.picture(RecompressedPhoto.resizedRecompressed)])
        let etsyOut = try await reopened.ingest(etsy)
        #expect(etsyOut.first { $0.item.key == "etsy:2" }?.linked == [LinkedItem(platform: "pinterest", itemID: "1")])
    }

    @Test func aSecondProcessOnTheSameStateIsRefused() throws {
        let directory = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = CrossLinkProcessor.statePath(dataDirectory: directory)
        let first = try CrossLinkProcessor(statePath: path)
        #expect(throws: CrossLinkError.self) { try CrossLinkProcessor(statePath: path) }
        _ = first
    }

    @Test func redeliveredItemChangesNothing() async throws {
        let stage = try CrossLinkProcessor(statePath: nil)
        _ = try await stage.ingest(Fixture.instagramPost)
        let first = try await stage.ingest(Fixture.amazonListing)
        let again = try await stage.ingest(Fixture.amazonListing)
        #expect(again.count == 1, "only the redelivered item itself")
        #expect(again[0] == first.first { $0.item.key == "amazon:B0C1234567" })
    }

    @Test func anItemThatDropsItsLinkLeavesTheClusterAndIsRetracted() async throws {
        let stage = try CrossLinkProcessor(statePath: nil)
        _ = try await stage.ingest(Fixture.instagramPost)
        _ = try await stage.ingest(Fixture.amazonListing)
        var edited = Fixture.instagramPost
        edited.links = []
        edited.text = "Obsessed with this bracelet"
        let out = try await stage.ingest(edited)
        let listing = try #require(out.first { $0.item.key == "amazon:B0C1234567" })
        #expect(listing.verdicts.isEmpty, "an empty verdict list retracts the earlier finding")
        #expect(listing.clusterID == nil)
    }

    @Test func mergingClustersRejudgesEveryMember() async throws {
        let stage = try CrossLinkProcessor(statePath: nil)
        // Two listings of one seller, then a post that links one of them.
        let a = Fixture.item("ebay", "v1|111111111111|0", kind: .listing, handle: "bangle_outlet_uk", text: "bangle")
        let b = Fixture.item("ebay", "v1|222222222222|0", kind: .listing, handle: "bangle_outlet_uk", text: "bangle 2")
        _ = try await stage.ingest(a)
        _ = try await stage.ingest(b)
        let post = Fixture.item("x", "5", kind: .post, text: "Cartier replica https://www.ebay.com/itm/111111111111",
                                signals: [Fixture.signal("cartier", .brandTerm), Fixture.signal("cartier", .counterfeitTerm)])
        let out = try await stage.ingest(post)
        #expect(Set(out.map(\.item.key)) == [a.key, b.key, post.key])
        #expect(out.allSatisfy { $0.clusterID == out[0].clusterID && $0.clusterID != nil })
        #expect(out.first { $0.item.key == b.key }?.verdicts.isEmpty == false, "b inherits through a's seller")
    }

    @Test func commonKeysStopJoining() async throws {
        var configuration = CrossLinkEngine.Configuration()
        configuration.commonKeyLimit = 5
        let stage = try CrossLinkProcessor(statePath: nil, configuration: configuration)
        for index in 0..<8 {
            let out = try await stage.ingest(Fixture.item("etsy", "\(index)", kind: .listing, text: "questions? help@marketplace-support.com"))
            if index == 4 { #expect(out[0].linked.count == 4) }
            if index >= 5 { #expect(out[0].linked.isEmpty, "a key already held by 5 items joins no more") }
        }
    }
}
