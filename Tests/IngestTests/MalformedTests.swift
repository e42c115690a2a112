import EmbeddedLog
import Foundation
import Normalize
import StreamProcessing
import Testing
import TouchstoneCore
import Transport

/// Malformed native objects: each is refused with a reason naming the field,
/// and through the real stage runner lands on `dead-letters`.
@Suite struct MalformedTests {
    /// (platform, line, field path the refusal must name; nil for a line that is not JSON).
    static let cases: [(platform: String, line: String, field: String?)] = [
        ("instagram", #"{}"#, "id"),
        ("instagram", #"{"id":null}"#, "id"),
        ("instagram", #"{"id":true}"#, "id"),
        ("instagram", #"{"id":1.5}"#, "id"),
        ("instagram", #"{"id":"1","caption":5}"#, "caption"),
        ("instagram", #"{"id":"1","timestamp":"yesterday"}"#, "timestamp"),
        ("instagram", #"{"id":"1","children":{"data":{}}}"#, "children.data"),
        ("instagram", #"{"id":"1","children":{"data":[{"media_url":7}]}}"#, "children.data[0].media_url"),
        ("instagram", #"{"business_discovery":{}}"#, "business_discovery.username"),
        ("instagram", #"{"business_discovery":{"username":"a","media":{"data":[{"caption":"x"}]}}}"#, "business_discovery.media.data[0].id"),
        ("instagram", #"{"business_discovery":"x"}"#, "business_discovery"),
        ("instagram", #"{"id":"1","like_count":"many"}"#, "like_count"),
        ("amazon", #"{}"#, "ASIN"),
        ("amazon", #"{"ASIN":""}"#, "ASIN"),
        ("amazon", #"{"ASIN":"B0","ItemInfo":{"Title":{"DisplayValue":5}}}"#, "ItemInfo.Title.DisplayValue"),
        ("amazon", #"{"ASIN":"B0","ItemInfo":{"Title":"x"}}"#, "ItemInfo.Title"),
        ("amazon", #"{"ASIN":"B0","Offers":{"Listings":[{"Price":{"Amount":"cheap"}}]}}"#, "Offers.Listings[0].Price.Amount"),
        ("amazon", #"{"ASIN":"B0","Offers":{"Listings":[{"Price":{"Amount":1,"Currency":"dollars"}}]}}"#, "Offers.Listings[0].Price.Currency"),
        ("amazon", #"{"ASIN":"B0","Images":{"Variants":[{"Large":{"URL":1}}]}}"#, "Images.Variants[0].Large.URL"),
        ("amazon", #"{"ASIN":"B0","ItemInfo":{"Features":{"DisplayValues":[1]}}}"#, "ItemInfo.Features.DisplayValues[0]"),
        ("amazon", #"{"ASIN":["B0"]}"#, "ASIN"),
        ("ebay", #"{}"#, "itemId"),
        ("ebay", #"{"itemId":"v1|1|0","price":{"value":"free"}}"#, "price.value"),
        ("ebay", #"{"itemId":"v1|1|0","price":{"value":"1","currency":12}}"#, "price.currency"),
        ("ebay", #"{"itemId":"v1|1|0","seller":{"username":false}}"#, "seller.username"),
        ("ebay", #"{"itemId":"v1|1|0","additionalImages":[{"imageUrl":[]}]}"#, "additionalImages[0].imageUrl"),
        ("ebay", #"{"itemId":"v1|1|0","itemLocation":{"country":1}}"#, "itemLocation.country"),
        ("ebay", #"{"itemId":"v1|1|0","image":"x"}"#, "image"),
        ("etsy", #"{}"#, "listing_id"),
        ("etsy", #"{"listing_id":-5}"#, "listing_id"),
        ("etsy", #"{"listing_id":1,"price":{"divisor":100}}"#, "price.amount"),
        ("etsy", #"{"listing_id":1,"price":{"amount":1.5,"divisor":100}}"#, "price.amount"),
        ("etsy", #"{"listing_id":1,"tags":"a,b"}"#, "tags"),
        ("etsy", #"{"listing_id":1,"creation_timestamp":"soon"}"#, "creation_timestamp"),
        ("etsy", #"{"listing_id":1,"images":[{"url_fullxfull":null},{"url_fullxfull":3}]}"#, "images[1].url_fullxfull"),
        ("etsy", #"{"listing_id":1,"shop":{"shop_name":1}}"#, "shop.shop_name"),
        ("x", #"{}"#, "data"),
        ("x", #"{"data":"x"}"#, "data"),
        ("x", #"{"data":{"text":"hi"}}"#, "data.id"),
        ("x", #"{"data":{"id":"1"}}"#, "data.text"),
        ("x", #"{"data":[{"id":"1","text":"a"},{"id":"2"}]}"#, "data[1].text"),
        ("x", #"{"data":{"id":"1","text":"a"},"includes":{"users":[{"id":"1"}]}}"#, "includes.users[0].username"),
        ("x", #"{"data":{"id":"1","text":"a","entities":{"hashtags":[{"tag":1}]}}}"#, "data.entities.hashtags[0].tag"),
        ("x", #"{"data":{"id":"1","text":"a","created_at":"Nov 15"}}"#, "data.created_at"),
        ("x", #"{"data":{"id":"1","text":"a"},"includes":{"media":[{"type":"photo"}]}}"#, "includes.media[0].media_key"),
        ("aliexpress", #"{}"#, "product_id"),
        ("aliexpress", #"{"product_id":1,"target_sale_price":"about 3"}"#, "target_sale_price"),
        ("aliexpress", #"{"product_id":1,"product_small_image_urls":{"string":[1]}}"#, "product_small_image_urls.string[0]"),
        ("aliexpress", #"{"product_id":1,"product_title":{}}"#, "product_title"),
        ("shopify", #"{}"#, "id"),
        ("shopify", #"{"id":1,"variants":[{"price":"a lot"}]}"#, "variants[0].price"),
        ("shopify", #"{"id":1,"images":[{"src":1}]}"#, "images[0].src"),
        ("shopify", #"{"id":1,"tags":5}"#, "tags"),
        ("shopify", #"{"id":1,"body_html":["x"]}"#, "body_html"),
        ("tiktok", #"{}"#, "id"),
        ("tiktok", #"{"id":1,"hashtag_names":[1]}"#, "hashtag_names[0]"),
        ("tiktok", #"{"id":1,"create_time":"noon"}"#, "create_time"),
        ("tiktok", #"{"id":1,"username":7}"#, "username"),
        ("pinterest", #"{}"#, "id"),
        ("pinterest", #"{"id":"1","media":{"images":{"600x":{"url":5}}}}"#, "media.images.600x.url"),
        ("pinterest", #"{"id":"1","board_owner":{"username":[]}}"#, "board_owner.username"),
        ("pinterest", #"{"id":"1","link":1}"#, "link"),
        ("generic", #"{}"#, "platform"),
        ("generic", #"{"platform":"x y","item_id":"1"}"#, "platform"),
        ("generic", #"{"platform":"v"}"#, "item_id"),
        ("generic", #"{"platform":"v","item_id":"1","kind":"shop"}"#, "kind"),
        ("generic", #"{"platform":"v","item_id":"1","price":{"currency":"EUR"}}"#, "price.amount"),
        ("generic", #"{"platform":"v","item_id":"1","contacts":[{"kind":"fax","value":"1"}]}"#, "contacts[0].kind"),
        ("instagram", #"[1,2]"#, "(root)"),
        ("amazon", #"not json"#, nil),
        ("ebay", #"{"itemId":"1",}"#, nil),
    ]

    @Test func atLeastFiftyCases() {
        #expect(Self.cases.count >= 50)
    }

    @Test(arguments: Self.cases.indices)
    func refusedNamingTheField(_ index: Int) {
        let (platform, line, field) = Self.cases[index]
        do throws(StageError) {
            let items = try Normalizer.items(fromLine: Array(line.utf8), context: Fixtures.context(platform))
            Issue.record("case \(index) (\(platform) \(line)) was accepted: \(items)")
        } catch {
            #expect(error.field == field, "case \(index): \(error)")
            if let field, field != "(root)" { #expect(error.description.contains(field)) }
            if field == nil { #expect(error.reason.contains("not JSON at byte")) }
        }
    }

    @Test func parseErrorsSayWhereAndWhat() {
        #expect(throws: JSONParseError(offset: 12, expected: "'\"' starting a member name", found: "'}'")) {
            try JSONReader.parse(Array(#"{"itemId":1,}"#.utf8))
        }
        #expect(throws: JSONParseError(offset: 0, expected: "'null'", found: "'n'")) {
            try JSONReader.parse(Array("not json".utf8))
        }
    }

    /// The real stage runner on the embedded log: every malformed raw message lands on `dead-letters`
    /// with its field, source and line; a good message between them still becomes an item.
    @Test func malformedMessagesLandInDeadLetters() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("touchstone-malformed-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let transport = try EmbeddedLogTransport(directory: folder)
        for topic in [TopicName.rawPosts, TopicName.rawListings, TopicName.items, TopicName.deadLetters] {
            try await transport.createTopic(TopicSpec(name: topic, partitions: 1))
        }
        let producer = try await transport.makeProducer()
        for (index, c) in Self.cases.enumerated() {
            try await producer.send(rawMessage(platform: c.platform, line: c.line, number: index + 1))
        }
        try await producer.send(rawMessage(platform: "amazon", line: Fixtures.amazonFull, number: 1000))
        try await producer.close()

        let runner = StageRunner(processor: NormalizeProcessor(), transport: transport)
        let processed = try await runner.run(untilIdle: true, pollTimeout: .milliseconds(50))
        #expect(processed == Self.cases.count + 1)

        let letters = try await readAll(transport, topic: TopicName.deadLetters).map { try TopicJSON.decode(DeadLetter.self, from: $0.value) }
        #expect(letters.count == Self.cases.count)
        for letter in letters {
            let line = try #require(letter.line)
            let expected = Self.cases[line - 1]
            #expect(letter.stage == "normalize")
            #expect(letter.field == expected.field, "line \(line): \(letter.reason)")
            #expect(letter.source == "/spool/\(expected.platform)-feed.ndjson")
            #expect(letter.payload == expected.line)
        }
        let items = try await readAll(transport, topic: TopicName.items)
        #expect(items.map(\.keyText) == ["amazon:B0C1234567"])
    }

    func rawMessage(platform: String, line: String, number: Int) -> OutgoingMessage {
        let bytes = Array(line.utf8)
        return OutgoingMessage(
            topic: Platforms.rawTopic(platform: platform) ?? TopicName.rawPosts, key: nil, value: bytes,
            headers: [
                MessageHeader(name: RawHeader.platform, text: platform),
                MessageHeader(name: RawHeader.sha256, text: SHA256Hex.of(bytes)),
                MessageHeader(name: RawHeader.source, text: "/spool/\(platform)-feed.ndjson"),
                MessageHeader(name: RawHeader.line, text: String(number)),
                MessageHeader(name: RawHeader.capturedAt, text: Timestamp.now()),
            ])
    }
}

/// Every message of a topic, read by a standalone consumer up to the end offsets.
func readAll(_ transport: any MessageTransport, topic: String) async throws -> [ConsumedMessage] {
    guard let description = try await transport.describeTopics().first(where: { $0.name == topic }) else { return [] }
    let total = description.partitions.reduce(0) { $0 + Int($1.high - $1.low) }
    guard total > 0 else { return [] }
    let consumer = try await transport.makeConsumer(topics: [topic], membership: .standalone(start: .earliest))
    var messages: [ConsumedMessage] = []
    var idle = 0
    while messages.count < total, idle < 50 {
        let batch = try await consumer.poll(maxMessages: 10_000, timeout: .milliseconds(200))
        if batch.isEmpty { idle += 1 } else { idle = 0 }
        messages += batch
    }
    try await consumer.close()
    return messages.sorted { ($0.partition, $0.offset) < ($1.partition, $1.offset) }
}
