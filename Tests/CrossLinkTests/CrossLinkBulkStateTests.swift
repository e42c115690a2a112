import Foundation
import Testing
import TouchstoneCore
import Transport
@testable import CrossLink

/// The benchmark preloads its state with the engine in large transactions;
/// what that stores must be what the processor stores for the same items
/// (and the in-memory handle variants rebuilt on open must link as the ones
/// built item by item).
@Suite struct CrossLinkBulkStateTests {
    static let count = ProcessInfo.processInfo.environment["TOUCHSTONE_FULL"] == "1" ? 20_000 : 1_500

    @Test func bulkPreloadStoresWhatProcessingStores() async throws {
        let directory = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let bulkPath = directory.appendingPathComponent("bulk/state.sqlite").path
        let processedPath = directory.appendingPathComponent("processed/state.sqlite").path
        var generator = SyntheticItems(seed: 7)
        let items = (0..<Self.count).map { _ in generator.next() }
        let later = (0..<200).map { _ in generator.next() }

        // As the benchmark preloads: the engine, one transaction for everything.
        do {
            let engine = try CrossLinkEngine(path: bulkPath)
            for item in items { _ = try engine.ingest(item) }
            try engine.commit(offsets: [:])
        }
        // As the stage runs: messages through the processor, small batches.
        do {
            let stage = try CrossLinkProcessor(statePath: processedPath)
            var batch: [TopicPartition: Int64] = [:]
            for (index, item) in items.enumerated() {
                let message = ConsumedMessage(
                    topic: TopicName.itemsMatched, partition: Int32(index % 3), offset: Int64(index), key: Array(item.key.utf8),
                    value: try TopicJSON.encode(item), headers: [], timestamp: 0)
                _ = try await stage.process(message)
                batch[message.position] = message.offset + 1
                if index % 7 == 6 {
                    try await stage.batchDidComplete(batch)
                    batch = [:]
                }
            }
            try await stage.batchDidComplete(batch)
        }

        let bulk = try CrossLinkStore(path: bulkPath).dump()
        let processed = try CrossLinkStore(path: processedPath).dump()
        #expect(bulk.count == processed.count)
        #expect(bulk == processed)
        // The comparison means something: the stream links by product id, picture and handle
        // (shared phones, from a pool of 50,000, are too rare at this size to count on).
        for signal in ["links-to", "same-image", "similar-handle"] {
            #expect(bulk.contains { $0.hasPrefix("edge") && $0.contains("|\(signal)|") }, "no \(signal) edge in the synthetic stream")
        }
        #expect(bulk.contains { $0.contains("one letter apart") })

        // Reopened (variants rebuilt from the stored handles), both link new items the same way.
        let bulkStage = try CrossLinkProcessor(statePath: bulkPath)
        let processedStage = try CrossLinkProcessor(statePath: processedPath)
        #expect(await bulkStage.handleVariantCount == (await processedStage.handleVariantCount))
        var linked = 0
        for item in later {
            let fromBulk = try await bulkStage.ingest(item)
            let fromProcessed = try await processedStage.ingest(item)
            #expect(fromBulk == fromProcessed)
            if !(fromBulk.first?.linked.isEmpty ?? true) { linked += 1 }
        }
        #expect(linked > 0)
    }

    @Test(arguments: ["goldscrewstudio", "aabbccdd", "user1a2b3c4d", "seller", "mississippi"])
    func variantHashesAreTheHashesOfTheVariantKeys(normalized: String) {
        let extractor = LinkKeyExtractor()
        let fromKeys = Set(extractor.fuzzyVariants(ofNormalized: normalized).map(HandleVariantIndex.hash))
        #expect(Set(HandleVariantIndex.variantHashes(ofNormalized: normalized, extractor: extractor)) == fromKeys)
        #expect(fromKeys.isEmpty == (normalized.count < extractor.minimumFuzzyHandleLength))
    }

    @Test func handleVariantsRebuiltOnOpenMatchThoseBuiltItemByItem() async throws {
        let directory = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("state.sqlite").path
        let live = try CrossLinkEngine(path: nil)
        do {
            let engine = try CrossLinkEngine(path: path)
            for item in [Fixture.item("instagram", "1", kind: .post, handle: "goldscrewstudio"),
                         Fixture.item("tiktok", "2", kind: .post, handle: "silverbanglesdaily")] {
                _ = try engine.ingest(item)
                _ = try live.ingest(item)
            }
            // The tiktok account renames itself: its old variants must go.
            let renamed = Fixture.item("tiktok", "2", kind: .post, handle: "bronzecuffsweekly")
            _ = try engine.ingest(renamed)
            _ = try live.ingest(renamed)
            try engine.commit(offsets: [:])
        }
        let reopened = try CrossLinkEngine(path: path)
        #expect(reopened.handleVariantCount == live.handleVariantCount)
        for item in [Fixture.item("etsy", "3", kind: .listing, handle: "GoldScrewStudios"),
                     Fixture.item("etsy", "4", kind: .listing, handle: "SilverBanglesDaly"),
                     Fixture.item("etsy", "5", kind: .listing, handle: "BronzeCuffWeekly")] {
            let a = try reopened.ingest(item), b = try live.ingest(item)
            #expect(a == b)
        }
        #expect(try reopened.findings(forKey: "etsy:3")?.linked == [LinkedItem(platform: "instagram", itemID: "1")])
        #expect(try reopened.findings(forKey: "etsy:4")?.linked.isEmpty == true, "the old handle no longer links")
        #expect(try reopened.findings(forKey: "etsy:5")?.linked == [LinkedItem(platform: "tiktok", itemID: "2")])
    }
}
