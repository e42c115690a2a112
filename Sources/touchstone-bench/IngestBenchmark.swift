import ArgumentParser
import EmbeddedLog
import Foundation
import Ingest
import Normalize
import StreamProcessing
import TouchstoneCore
import Transport

/// `touchstone-bench ingest`: ingest + normalize of mixed-platform lines,
/// against a bare JSON parse of the same lines in the same run (the floor).
struct IngestBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Ingest + normalize of mixed platforms vs a bare JSON parse of the same lines.")

    @Option(help: "How many lines (items of mixed platforms).")
    var lines = 100_000

    @Flag(name: .customLong("skip-log"), help: "Skip the end-to-end run through the embedded log.")
    var skipLog = false

    func run() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("touchstone-bench-ingest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let corpus = BenchCorpus.make(count: lines)
        let bytes = corpus.reduce(0) { $0 + $1.line.count + 1 }
        print("corpus: \(corpus.count) lines of \(Set(corpus.map(\.platform)).count) platforms, \(bytes / 1024) KiB")

        // Per-platform message files, as ingest reads them.
        var files: [String: FileHandle] = [:]
        var paths: [(path: String, platform: String)] = []
        for (platform, line) in corpus {
            if files[platform] == nil {
                let path = folder.appendingPathComponent("\(platform)-bench.ndjson").path
                FileManager.default.createFile(atPath: path, contents: nil)
                files[platform] = FileHandle(forWritingAtPath: path)
                paths.append((path, platform))
            }
            files[platform]!.write(Data(line + [0x0a]))
        }
        for handle in files.values { try handle.close() }

        // Warm-up, then best of 3 for each measurement.
        _ = try measure { try parseAll(corpus) }
        let parse = try (0..<3).map { _ in try measure { try parseAll(corpus) } }.min()!
        let foundation = try (0..<3).map { _ in try measure { try foundationParseAll(corpus) } }.min()!
        var produced = 0
        let pipeline = try (0..<3).map { _ in try measure { produced = try ingestAndNormalize(paths) } }.min()!

        func rate(_ seconds: Double) -> String { String(format: "%.0f items/s", Double(corpus.count) / seconds) }
        print("times are CPU seconds of the measuring thread, best of 3")
        print(String(format: "bare JSON parse (JSONReader):         %.3f s  %@", parse, rate(parse)))
        print(String(format: "bare JSON parse (JSONSerialization):  %.3f s  %@", foundation, rate(foundation)))
        print(String(format: "ingest + normalize (no transport):    %.3f s  %@  -> %d items", pipeline, rate(pipeline), produced))
        print(String(format: "ratio ingest+normalize / JSONReader parse: %.2fx (goal <= 3x)", pipeline / parse))

        if !skipLog {
            let seconds = try await endToEnd(paths, folder: folder.appendingPathComponent("log"), expected: corpus.count)
            print(String(format: "end to end on the embedded log (files -> raw topics -> normalize -> items): %.3f s CPU  %@ per CPU second", seconds, rate(seconds)))
            print(String(format: "ratio end-to-end CPU / JSONReader parse: %.2fx", seconds / parse))
        }
    }

    /// CPU time of the calling thread: the machine is shared, and wall time
    /// swings with other processes' load while CPU time barely does.
    func measure(_ body: () throws -> Void) throws -> Double {
        let start = cpuSeconds(CLOCK_THREAD_CPUTIME_ID)
        try body()
        return cpuSeconds(CLOCK_THREAD_CPUTIME_ID) - start
    }

    func parseAll(_ corpus: [(platform: String, line: [UInt8])]) throws {
        var members = 0
        for (_, line) in corpus {
            if case .object(let o) = try JSONReader.parse(line) { members += o.members.count }
        }
        precondition(members > 0)
    }

    func foundationParseAll(_ corpus: [(platform: String, line: [UInt8])]) throws {
        var count = 0
        for (_, line) in corpus {
            if try JSONSerialization.jsonObject(with: Data(line)) is [String: Any] { count += 1 }
        }
        precondition(count == corpus.count)
    }

    /// Files read line by line, each line gatekept into a raw message with its evidence
    /// headers, then normalized into encoded item messages: everything but the transport.
    func ingestAndNormalize(_ paths: [(path: String, platform: String)]) throws -> Int {
        let processor = NormalizeProcessor()
        var items = 0
        var offset: Int64 = 0
        let capturedAt = Timestamp.now()
        for (path, platform) in paths {
            let reader = try LineReader(path: path)
            let ingester = LineIngester(platform: platform, source: path)
            while let line = try reader.next() {
                guard case .published(let raw) = ingester.disposition(of: line, capturedAt: capturedAt) else { continue }
                let consumed = ConsumedMessage(topic: raw.topic, partition: 0, offset: offset, key: raw.key, value: raw.value,
                                               headers: raw.headers, timestamp: 0)
                offset += 1
                items += try processor.outputs(for: consumed).count
            }
        }
        return items
    }

    /// The same through the embedded log: FileIngester publishes, the normalize StageRunner consumes until idle.
    func endToEnd(_ paths: [(path: String, platform: String)], folder: URL, expected: Int) async throws -> Double {
        let transport = try EmbeddedLogTransport(directory: folder)
        for topic in [TopicName.rawPosts, TopicName.rawListings, TopicName.items, TopicName.deadLetters] {
            try await transport.createTopic(TopicSpec(name: topic, partitions: 4))
        }
        let start = ContinuousClock.now
        let cpuStart = cpuSeconds(CLOCK_PROCESS_CPUTIME_ID)
        let producer = try await transport.makeProducer()
        let ingester = FileIngester(producer: producer)
        for (path, platform) in paths { _ = try await ingester.ingest(path: path, platform: platform, context: nil) }
        try await producer.close()
        let processed = try await StageRunner(processor: NormalizeProcessor(), transport: transport, batchSize: 2000)
            .run(untilIdle: true, pollTimeout: .milliseconds(20))
        let elapsed = ContinuousClock.now - start
        let cpu = cpuSeconds(CLOCK_PROCESS_CPUTIME_ID) - cpuStart
        precondition(processed == expected, "normalize processed \(processed) of \(expected)")
        let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print(String(format: "end to end: %.3f s wall, %.3f s CPU (all threads)", wall, cpu))
        return cpu
    }
}

/// Realistic native lines of every platform with varying ids and texts.
enum BenchCorpus {
    static func make(count: Int) -> [(platform: String, line: [UInt8])] {
        var out: [(String, [UInt8])] = []
        out.reserveCapacity(count)
        for i in 0..<count {
            let n = 7_000_000_000_000_000_000 as UInt64 + UInt64(i) * 7919
            let line: (String, String)
            switch i % 9 {
            case 0: line = ("instagram", #"{"id":"1789569566\#(i)","username":"luxe.deals.\#(i % 500)","caption":"New drop 🔥 love bracelet #\#(i) style. DM or WhatsApp +44 7700 900\#(i % 1000), order via amzn.to/3xY\#(i) #cartier #luxury @jane_\#(i % 50)","media_type":"IMAGE","media_url":"https://scontent.cdninstagram.com/v/\#(i).jpg","permalink":"https://www.instagram.com/p/C\#(i)/","timestamp":"2022-06-15T10:00:00+0000","like_count":\#(i % 3000),"comments_count":\#(i % 90)}"#)
            case 1: line = ("amazon", #"{"ASIN":"B0\#(String(format: "%08d", i))","DetailPageURL":"https://www.amazon.com/dp/B0\#(String(format: "%08d", i))","ItemInfo":{"Title":{"DisplayValue":"Women's Screw Bracelet, 18K Gold Plated Titanium Steel \#(i)"},"ByLineInfo":{"Brand":{"DisplayValue":"GENERIC"}},"Features":{"DisplayValues":["Fits 6-7 inch wrists","Gift box included"]}},"Images":{"Primary":{"Large":{"URL":"https://m.media-amazon.com/images/I/\#(i).jpg","Height":500,"Width":500}}},"Offers":{"Listings":[{"Price":{"Amount":25.99,"Currency":"USD"},"MerchantInfo":{"Id":"A2L77EE7U53NWQ","Name":"JewelDirect"}}]}}"#)
            case 2: line = ("ebay", #"{"itemId":"v1|\#(100000000000 + i)|0","title":"Love Bracelet 18k \#(i)","shortDescription":"<p>Brand new <b>never worn</b></p>","price":{"value":"25.00","currency":"GBP"},"image":{"imageUrl":"https://i.ebayimg.com/images/g/\#(i)/s-l1600.jpg"},"seller":{"username":"bling_\#(i % 300)","feedbackPercentage":"98.7","feedbackScore":1532},"itemWebUrl":"https://www.ebay.co.uk/itm/\#(100000000000 + i)","itemLocation":{"country":"GB"},"condition":"New"}"#)
            case 3: line = ("etsy", #"{"listing_id":\#(1000000000 + i),"shop_id":5551212,"title":"Handmade Nail Bracelet &quot;Juste&quot; \#(i)","description":"Made to order. See https://www.etsy.com/listing/\#(i)/ring","price":{"amount":2599,"divisor":100,"currency_code":"EUR"},"url":"https://www.etsy.com/listing/\#(1000000000 + i)","shop":{"shop_id":5551212,"shop_name":"GoldNailStudio"},"tags":["bracelet","nail","gold"],"images":[{"url_fullxfull":"https://i.etsystatic.com/\#(i).jpg"}],"creation_timestamp":1700000000}"#)
            case 4: line = ("x", #"{"data":[{"id":"\#(n)","text":"Best dupes &amp; deals https://t.co/a\#(i) #cartier @LuxeDeals","author_id":"2244994945","created_at":"2021-11-15T19:08:05.000Z","entities":{"urls":[{"url":"https://t.co/a\#(i)","expanded_url":"https://www.ebay.com/itm/\#(100000000000 + i)"}],"hashtags":[{"tag":"cartier"}],"mentions":[{"username":"LuxeDeals"}]},"attachments":{"media_keys":["3_\#(i)"]}}],"includes":{"users":[{"id":"2244994945","username":"dupe_queen","name":"Dupe Queen","description":"DM for prices"}],"media":[{"media_key":"3_\#(i)","type":"photo","url":"https://pbs.twimg.com/media/\#(i).jpg"}]}}"#)
            case 5: line = ("aliexpress", #"{"product_id":\#(n),"product_title":"Screw Love Bracelet Titanium \#(i)","product_main_image_url":"https://ae01.alicdn.com/kf/\#(i).jpg","product_small_image_urls":{"string":["https://ae01.alicdn.com/kf/s\#(i).jpg"]},"target_sale_price":"3.99","target_sale_price_currency":"USD","shop_id":912345678,"product_detail_url":"https://www.aliexpress.com/item/\#(n).html"}"#)
            case 6: line = ("shopify", #"{"id":\#(n),"title":"Juste Nail Bracelet \#(i)","handle":"juste-nail-\#(i)","body_html":"<p>Our <strong>best seller</strong> &amp; fan favourite.</p><ul><li>18k plated</li></ul>","vendor":"Gold Nail Co","product_type":"Bracelets","tags":["bracelet","gold"],"variants":[{"id":1,"price":"39.00"}],"images":[{"src":"//cdn.shopify.com/s/files/\#(i).jpg"}],"published_at":"2024-01-10T09:00:00-05:00"}"#)
            case 7: line = ("tiktok", #"{"id":\#(n),"username":"dupe.finds\#(i % 100)","video_description":"Found the bracelet dupe 😱 link in bio #dupe #cartierlove \#(i)","create_time":1702300000,"region_code":"FR","hashtag_names":["dupe","cartierlove"],"like_count":120034,"view_count":2000000}"#)
            default: line = ("pinterest", #"{"id":"\#(813744226420795884 + i)","created_at":"2020-01-01T20:10:40","title":"Love bracelet dupe \#(i)","description":"Under $30!","link":"https://www.etsy.com/listing/\#(1000000000 + i)","board_owner":{"username":"dupequeen"},"media":{"images":{"150x150":{"width":150,"height":150,"url":"https://i.pinimg.com/150x150/\#(i).jpg"},"1200x":{"width":1200,"height":1500,"url":"https://i.pinimg.com/1200x/\#(i).jpg"}}}}"#)
            }
            out.append((line.0, Array(line.1.utf8)))
        }
        return out
    }
}

