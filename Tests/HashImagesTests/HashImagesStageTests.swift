import Foundation
import HashImages
import StreamProcessing
import Testing
import TouchstoneCore
import Transport

/// The stage end to end on plain values: an `items` message in, the
/// `items.hashed` message out, with matches against references loaded from files.
@Suite struct HashImagesStageTests {
    static func message(_ item: Item) throws -> ConsumedMessage {
        ConsumedMessage(topic: TopicName.items, partition: 0, offset: 7, key: Array(item.key.utf8),
                        value: try TopicJSON.encode(item), headers: [], timestamp: 0)
    }

    @Test func hashesAndMatchesAnItemsPictures() async throws {
        let photos = Fixtures.directory.appendingPathComponent("photos")
        let (set, problems) = await ReferenceSet.load([
            BrandReference(brand: "cartier", reference: "images/coffee.jpg", location: photos.appendingPathComponent("coffee.jpg").path),
            BrandReference(brand: "cartier", reference: "images/missing.jpg", location: photos.appendingPathComponent("missing.jpg").path),
        ])
        #expect(problems.count == 1 && problems[0].contains("images/missing.jpg") && problems[0].contains("no such file"))
        let processor = HashImagesProcessor(references: set)

        // A mirrored, recompressed copy of the reference, and the reference pasted into another photo.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stage-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let coffee = try Fixtures.photo("photos/coffee.jpg")
        try Data(coffee.mirrored().jpeg(quality: 70)).write(to: directory.appendingPathComponent("mirrored.jpg"))
        let background = try Fixtures.photo("photos/astronaut.jpg").resized(width: 600, height: 600)
        // 360x240 of 600x600: the reference covers 24% of the collage.
        let collage = background.pasting(coffee.resized(width: 360, height: 240), x: 200, y: 330)
        try Data(collage.jpeg(quality: 85)).write(to: directory.appendingPathComponent("collage.jpg"))

        let item = Item(platform: "instagram", itemID: "17895695668004550", kind: .post, pictures: [
            Picture(url: directory.appendingPathComponent("mirrored.jpg").absoluteString),
            Picture(url: directory.appendingPathComponent("collage.jpg").absoluteString),
            Picture(url: photos.appendingPathComponent("moon.png").absoluteString),
        ])
        let outputs = try await processor.process(Self.message(item))
        #expect(outputs.count == 1)
        #expect(outputs[0].topic == TopicName.itemsHashed)
        #expect(outputs[0].key == Array(item.key.utf8))
        let hashed = try TopicJSON.decode(Item.self, from: outputs[0].value)
        #expect(hashed.itemID == item.itemID)

        let mirrored = try #require(hashed.pictures[0].matches?.first)
        #expect(mirrored.brand == "cartier" && mirrored.reference == "images/coffee.jpg")
        #expect(mirrored.transform == "mirror" && mirrored.region == nil && mirrored.distance <= 31)

        let part = try #require(hashed.pictures[1].matches?.first)
        #expect(part.reference == "images/coffee.jpg")
        let region = try #require(part.region)
        #expect(abs(region[0] - 200) < 30 && abs(region[1] - 330) < 30 && abs(region[2] - 360) < 40, "\(region)")

        #expect(hashed.pictures[2].matches == [])
        #expect(hashed.pictures[2].pdq?.count == 64 && hashed.pictures[2].sha256?.count == 64)
        #expect(hashed.pictures[2].byteCount == (try Fixtures.bytes("photos/moon.png")).count)
    }

    @Test func referencesCanBeSwappedWhileRunning() async throws {
        let photos = Fixtures.directory.appendingPathComponent("photos")
        let processor = HashImagesProcessor(references: .empty)
        let item = Item(platform: "etsy", itemID: "42", kind: .listing,
                        pictures: [Picture(url: photos.appendingPathComponent("rocket.jpg").absoluteString)])
        #expect(await processor.hash(item).pictures[0].matches == [])
        let (set, _) = await ReferenceSet.load([BrandReference(brand: "spacex", reference: "rocket.jpg",
                                                               location: photos.appendingPathComponent("rocket.jpg").absoluteString)], generation: 1)
        processor.replaceReferences(set)
        let again = await processor.hash(item)
        #expect(again.pictures[0].matches?.first?.brand == "spacex")
        #expect(again.pictures[0].matches?.first?.distance == 0)
    }

    @Test func anItemThatIsNotJSONIsAStageError() async throws {
        let processor = HashImagesProcessor(references: .empty)
        let message = ConsumedMessage(topic: TopicName.items, partition: 0, offset: 1, key: nil, value: Array("nope".utf8), headers: [], timestamp: 0)
        await #expect(throws: StageError.self) { try await processor.process(message) }
    }
}
