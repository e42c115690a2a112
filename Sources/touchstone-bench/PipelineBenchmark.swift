import ArgumentParser
import EmbeddedLog
import Foundation
import Ingest
import Materializer
import Pipeline
import TouchstoneCore
import Transport

/// `touchstone-bench pipeline`: what `touchstone run --until-idle` does, over
/// mixed-platform items with pictures on the embedded log: items/s end to
/// end, peak memory and the view's size; and, in the same run, every stage
/// alone on the same input, so the pipeline's rate can be read against its
/// slowest stage (the ratio says how well the stages overlap).
struct PipelineBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "touchstone run --until-idle over mixed items with pictures, against its slowest single stage.")

    @Option(help: "How many items (mixed platforms).")
    var items = 100_000

    @Option(name: .customLong("distinct-pictures"), help: "Distinct picture files the items point at, made with Python/Pillow (default: one per operation of four items; fewer means more cache hits, and operations sharing a picture link into larger clusters).")
    var distinctPictures: Int?

    @Option(help: "Where to work (default: a temporary folder, removed afterwards).")
    var folder: String?

    func run() async throws {
        let root = folder.map { URL(fileURLWithPath: $0, isDirectory: true) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("touchstone-bench-pipeline-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { if folder == nil { try? FileManager.default.removeItem(at: root) } }

        let messages = root.appendingPathComponent("messages", isDirectory: true)
        let pictures = try makePictures(in: messages.appendingPathComponent("images", isDirectory: true), count: distinctPictures ?? (items + 3) / 4)
        let files = try writeCorpus(to: messages, pictures: pictures)
        print("corpus: \(items) items of 9 platforms in operations of 4, \(pictures) distinct pictures, in \(messages.path)")

        // The whole pipeline, every stage at once, as `touchstone run --until-idle`.
        let concurrent = try await pipeline(root.appendingPathComponent("concurrent"), files: files, oneStageAtATime: false)
        let peak = peakResidentMegabytes()
        print(String(format: "pipeline (all stages at once): %.1f s wall, %.0f items/s end to end", concurrent.total, Double(items) / concurrent.total))
        print(String(format: "peak memory (max RSS of this process so far): %.0f MB", peak))
        print("view: \(concurrent.viewBytes / 1024) KiB (\(String(format: "%.0f", Double(concurrent.viewBytes) / Double(items))) bytes per item)")

        // Each stage alone on the same input, one after the other.
        let sequential = try await pipeline(root.appendingPathComponent("sequential"), files: files, oneStageAtATime: true)
        var slowest = (name: "", seconds: 0.0)
        for stage in StageName.allCases {
            let seconds = sequential.stages[stage.rawValue] ?? 0
            print(String(format: "  %-12@ alone: %7.1f s  %8.0f items/s", stage.rawValue, seconds, Double(items) / max(seconds, 1e-9)))
            if seconds > slowest.seconds { slowest = (stage.rawValue, seconds) }
        }
        print(String(format: "ratio pipeline items/s / slowest stage (%@) items/s: %.2f (1.0 = the pipeline runs as fast as its slowest stage)",
                     slowest.name, slowest.seconds / concurrent.total))
    }

    struct Timing {
        var total: Double
        var stages: [String: Double]
        var viewBytes: Int
    }

    func pipeline(_ data: URL, files: [(path: String, platform: String)], oneStageAtATime: Bool) async throws -> Timing {
        let transport = try EmbeddedLogTransport(directory: data.appendingPathComponent("log", isDirectory: true))
        let environment = PipelineEnvironment(transport: transport, dataDirectory: data,
                                              brandsDirectory: Demo.bundledDirectory.appendingPathComponent("brands"))
        try await environment.createTopics()
        let producer = try await transport.makeProducer()
        let ingester = FileIngester(producer: producer)
        for file in files { _ = try await ingester.ingest(path: file.path, platform: file.platform, context: nil) }
        try await producer.close()

        let clock = ContinuousClock()
        var stages: [String: Double] = [:]
        let start = clock.now
        if oneStageAtATime {
            for stage in StageName.allCases {
                let began = clock.now
                _ = try await PipelineRunner(stages: [try await environment.makeStage(stage)]).run(untilIdle: true)
                stages[stage.rawValue] = (clock.now - began).seconds
            }
        } else {
            _ = try await PipelineRunner(stages: environment.makeAllStages()).run(untilIdle: true)
        }
        let total = (clock.now - start).seconds
        let view = (try? FileManager.default.attributesOfItem(atPath: environment.viewPath.path)[.size] as? Int) ?? 0
        return Timing(total: total, stages: stages, viewBytes: view)
    }

    /// Writes the corpus as one message file per platform. Items come in
    /// operations of four (a post, a listing it links, two more sharing the
    /// operation's handle, phone or shop), as counterfeit sellers work, so
    /// clusters stay a few items wide; the items of an operation show the
    /// operation's photo (by relative path), as sellers reuse theirs.
    func writeCorpus(to folder: URL, pictures: Int) throws -> [(path: String, platform: String)] {
        var handles: [String: FileHandle] = [:]
        var files: [(path: String, platform: String)] = []
        for i in 0..<items {
            let (platform, line) = Self.line(i, picture: "images/p\((i / 4) % max(1, pictures)).jpg")
            if handles[platform] == nil {
                let path = folder.appendingPathComponent("\(platform)-bench.ndjson").path
                _ = FileManager.default.createFile(atPath: path, contents: nil)
                handles[platform] = FileHandle(forWritingAtPath: path)
                files.append((path, platform))
            }
            handles[platform]!.write(Data((line + "\n").utf8))
        }
        for handle in handles.values { try handle.close() }
        return files
    }

    /// Item `i` of operation `i / 4`, in its platform's native format.
    static func line(_ i: Int, picture: String) -> (String, String) {
        let g = i / 4
        // Links point inside the operation only (else at ids no item has), so operations stay apart.
        let ebayTarget = (i - 2) / 4 == g && i >= 2 ? 200000000000 + i - 2 : 900000000000 + i
        let etsyTarget = 3900000000 + i
        let asin = "B1" + String(format: "%08d", g)
        let phone = "+44 7700 9" + String(format: "%05d", g % 100_000)
        let big = 7_100_000_000_000_000_000 as UInt64 + UInt64(i)
        switch i % 9 {
        case 0: return ("instagram", #"{"id":"1790\#(i)","username":"op.deals.\#(g)","caption":"New drop 🔥 love bracelet style. WhatsApp \#(phone), order via https://www.amazon.com/dp/\#(asin) #luxury","media_type":"IMAGE","media_url":"\#(picture)","timestamp":"2026-11-15T10:00:00+0000"}"#)
        case 1: return ("amazon", #"{"ASIN":"\#(asin)","DetailPageURL":"https://www.amazon.com/dp/\#(asin)","ItemInfo":{"Title":{"DisplayValue":"Women's Screw Bracelet, 18K Gold Plated Titanium Steel"},"ByLineInfo":{"Brand":{"DisplayValue":"GENERIC"}}},"Images":{"Primary":{"Large":{"URL":"\#(picture)"}}},"Offers":{"Listings":[{"Price":{"Amount":25.99,"Currency":"USD"},"MerchantInfo":{"Id":"AM\#(g)","Name":"Op \#(g) Store"}}]}}"#)
        case 2: return ("ebay", #"{"itemId":"v1|\#(200000000000 + i)|0","title":"Love Bracelet 18k gold tone","shortDescription":"<p>Brand new, WhatsApp \#(phone)</p>","price":{"value":"25.00","currency":"GBP"},"image":{"imageUrl":"\#(picture)"},"seller":{"username":"op_seller_\#(g)"},"itemWebUrl":"https://www.ebay.co.uk/itm/\#(200000000000 + i)"}"#)
        case 3: return ("etsy", #"{"listing_id":\#(2000000000 + i),"shop_id":\#(6000000 + g),"title":"Handmade Nail Bracelet","description":"Made to order.","price":{"amount":2599,"divisor":100,"currency_code":"EUR"},"url":"https://www.etsy.com/listing/\#(2000000000 + i)","shop":{"shop_name":"OpStudio\#(g)"},"images":[{"url_fullxfull":"\#(picture)"}]}"#)
        case 4: return ("x", #"{"data":{"id":"\#(big)","text":"Best deals https://t.co/a\#(i) #luxury","author_id":"\#(9_000_000_000 + g)","entities":{"urls":[{"url":"https://t.co/a\#(i)","expanded_url":"https://www.ebay.com/itm/\#(ebayTarget)"}]},"attachments":{"media_keys":["3_\#(i)"]}},"includes":{"users":[{"id":"\#(9_000_000_000 + g)","username":"op_seller_\#(g)"}],"media":[{"media_key":"3_\#(i)","type":"photo","url":"\#(picture)"}]}}"#)
        case 5: return ("aliexpress", #"{"product_id":\#(big),"product_title":"Screw Love Bracelet Titanium wholesale WhatsApp \#(phone)","product_main_image_url":"\#(picture)","target_sale_price":"3.99","target_sale_price_currency":"USD","shop_id":\#(700000000 + g),"product_detail_url":"https://www.aliexpress.com/item/\#(big).html"}"#)
        case 6: return ("shopify", #"{"id":\#(big),"title":"Nail Bracelet","handle":"nail-\#(i)","body_html":"<p>Our <strong>best seller</strong> &amp; fan favourite.</p>","vendor":"Op \#(g)","variants":[{"price":"39.00"}],"images":[{"src":"\#(picture)"}]}"#)
        case 7: return ("tiktok", #"{"id":\#(big),"username":"op.deals.\#(g)","video_description":"Found the bracelet dupe 😱 link in bio #dupe","create_time":1702300000,"region_code":"FR","hashtag_names":["dupe"]}"#)
        default: return ("pinterest", #"{"id":"\#(813744226420795884 + i)","title":"Love bracelet under $30","link":"https://www.etsy.com/listing/\#(etsyTarget)","board_owner":{"username":"op.deals.\#(g)"},"media":{"images":{"1200x":{"width":1200,"height":1500,"url":"\#(picture)"}}}}"#)
        }
    }

    /// `count` distinct 320×320 JPEGs (random shapes on noise), made by Python/Pillow.
    func makePictures(in folder: URL, count: Int) throws -> Int {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let script = """
            import random, sys
            from PIL import Image, ImageDraw
            folder, count = sys.argv[1], int(sys.argv[2])
            for i in range(count):
                r = random.Random(i)
                img = Image.effect_noise((320, 320), 40).convert("RGB")
                d = ImageDraw.Draw(img)
                for _ in range(12):
                    x, y = r.randrange(320), r.randrange(320)
                    d.ellipse([x, y, x + r.randrange(20, 160), y + r.randrange(20, 160)], fill=tuple(r.randrange(256) for _ in range(3)))
                img.save(f"{folder}/p{i}.jpg", quality=85)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, folder.path, String(count)]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ValidationError("making pictures needs python3 with Pillow (pip install pillow)")
        }
        return count
    }

    func peakResidentMegabytes() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}
