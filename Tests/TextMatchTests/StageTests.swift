import BrandProfiles
import Foundation
import Testing
import TextMatch
import TouchstoneCore
import StreamProcessing
import Transport

/// The text-match stage: items.hashed → items.matched, and profile reload without a restart.
@Suite("text-match stage")
struct StageTests {
    func message(_ item: Item, offset: Int64 = 0) throws -> ConsumedMessage {
        ConsumedMessage(topic: TopicName.itemsHashed, partition: 0, offset: offset, key: Array(item.key.utf8),
                        value: try TopicJSON.encode(item), headers: [], timestamp: 0)
    }

    @Test func matchedItemKeepsKeyAndCarriesSignalsAndVersions() async throws {
        let folder = try Fixtures.brandsFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let processor = TextMatchProcessor(store: BrandProfileStore(directory: folder))
        var item = Item(platform: "instagram", itemID: "17895695668004550", kind: .post, text: "Саrtiеr love bracelet 1:1 replica DM")
        item.pictures = [Picture(url: "file:///tmp/x.jpg")]
        let outputs = try await processor.process(try message(item))
        #expect(outputs.count == 1)
        let output = try #require(outputs.first)
        #expect(output.topic == TopicName.itemsMatched)
        #expect(output.key == Array(item.key.utf8))
        let matched = try TopicJSON.decode(Item.self, from: output.value)
        #expect(matched.signals?.contains { $0.signal == .brandTerm && $0.rule == "confusable" && $0.span == [0, 7] } == true)
        #expect(matched.signals?.contains { $0.signal == .counterfeitTerm } == true)
        #expect(matched.profiles?.count == 10)
        #expect(matched.profiles?.contains { $0.brand == "cartier" && $0.version.count == 16 } == true)
        #expect(matched.pictures == item.pictures)
    }

    @Test func cleanItemStillGoesOn() async throws {
        let folder = try Fixtures.brandsFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let processor = TextMatchProcessor(store: BrandProfileStore(directory: folder))
        let item = Item(platform: "amazon", itemID: "B0C1234567", kind: .listing, title: "Stainless steel bangle")
        let outputs = try await processor.process(try message(item))
        let matched = try TopicJSON.decode(Item.self, from: try #require(outputs.first).value)
        #expect(matched.signals == [])
        #expect(matched.profiles?.isEmpty == false)
    }

    @Test func notAnItemIsRefused() async throws {
        let folder = try Fixtures.brandsFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let processor = TextMatchProcessor(store: BrandProfileStore(directory: folder))
        let bad = ConsumedMessage(topic: TopicName.itemsHashed, partition: 0, offset: 0, key: nil, value: Array("{\"x\":1}".utf8), headers: [], timestamp: 0)
        await #expect(throws: StageError.self) { try await processor.process(bad) }
    }

    @Test func changedProfileIsUsedWithinSeconds() async throws {
        let folder = try Fixtures.brandsFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let processor = TextMatchProcessor(store: BrandProfileStore(directory: folder, interval: .milliseconds(500)))
        let item = Item(platform: "instagram", itemID: "1", kind: .post, text: "the new Cartier Baignoire just dropped")
        let before = try TopicJSON.decode(Item.self, from: try #require(try await processor.process(try message(item)).first).value)
        #expect(before.signals?.contains { $0.signal == .product } == false)
        let oldVersion = try #require(before.profiles?.first { $0.brand == "cartier" }?.version)

        // An attorney adds a product name while the stage runs.
        let file = folder.appendingPathComponent("cartier.yaml")
        let edited = Fixtures.cartier.replacingOccurrences(of: "  - Tank\n", with: "  - Tank\n  - Baignoire\n")
        try edited.write(to: file, atomically: true, encoding: .utf8)

        let started = ContinuousClock.now
        var after: Item?
        while ContinuousClock.now - started < .seconds(5) {
            let output = try TopicJSON.decode(Item.self, from: try #require(try await processor.process(try message(item, offset: 1)).first).value)
            if output.signals?.contains(where: { $0.signal == .product && $0.matched == "Baignoire" }) == true {
                after = output
                break
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let reloaded = try #require(after, "the new product name was not used within 5 seconds")
        let newVersion = reloaded.profiles?.first { $0.brand == "cartier" }?.version
        #expect(newVersion != nil && newVersion != oldVersion)
        #expect(ContinuousClock.now - started < .seconds(3))
    }

    @Test func invalidEditKeepsTheLastGoodVersion() throws {
        let folder = try Fixtures.brandsFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = BrandProfileStore(directory: folder)
        let version = store.current().profiles.first { $0.id == "cartier" }?.version
        try "id: Cartier!\nname: x\n".write(to: folder.appendingPathComponent("cartier.yaml"), atomically: true, encoding: .utf8)
        let snapshot = store.reload()
        #expect(snapshot.profiles.first { $0.id == "cartier" }?.version == version)
        #expect(snapshot.errors.contains { $0.file.hasSuffix("cartier.yaml") && $0.line == 1 && $0.field == "id" })
    }
}
