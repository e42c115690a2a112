import Foundation
import Normalize
import Testing
import TouchstoneCore

/// The direct item encoder writes exactly what `TopicJSON` (JSONEncoder) writes.
@Suite struct ItemJSONTests {
    @Test func sameBytesAsTopicJSONOnEveryFixture() throws {
        for (platform, line) in Fixtures.all {
            for item in try Fixtures.items(platform, line) {
                let direct = try ItemJSON.encode(item)
                let reference = try TopicJSON.encode(item)
                #expect(String(decoding: direct, as: UTF8.self) == String(decoding: reference, as: UTF8.self))
                #expect(try TopicJSON.decode(Item.self, from: direct) == item)
            }
        }
    }

    @Test func escapesLikeJSONEncoder() throws {
        var item = Item(platform: "x", itemID: "1", kind: .post, text: "quote \" backslash \\ slash / tab \t nl \n cr \r bell \u{7} nul \u{0} del \u{7f} ls \u{2028} é 💍")
        item.pictures = [Picture(url: "file:///a b/c.jpg")]
        item.pictures[0].error = "relative"
        let direct = try ItemJSON.encode(item)
        #expect(String(decoding: direct, as: UTF8.self) == String(decoding: try TopicJSON.encode(item), as: UTF8.self))
    }
}
