import ArgumentParser
import CrossLink
import Foundation
import TouchstoneCore
import Transport

/// `touchstone-bench cross-link`: findings per second through the cross-link
/// stage with a large state already in place, next to a same-run baseline that
/// only decodes each item and encodes an empty ItemFindings for it (the floor
/// any stage on `items.matched` pays).
struct CrossLinkBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cross-link",
        abstract: "Findings/s through cross-link with a large state, and the ratio to a decode+encode baseline.")

    @Option(help: "Items taken into the state before measuring.")
    var preload = 1_000_000

    @Option(help: "Items measured (each links to the preloaded state with some probability).")
    var measure = 20_000

    @Option(help: "Where to put the state (a temporary folder by default; removed afterwards unless --keep).")
    var directory: String?

    @Flag(help: "Keep the state file.")
    var keep = false

    @Option(help: "Continue a state kept from an earlier run (--keep) that holds this many synthetic items: the generator skips them, so new items still link to them.")
    var resume = 0

    func run() async throws {
        let folder = URL(fileURLWithPath: directory ?? NSTemporaryDirectory() + "touchstone-bench-cross-link-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { if !keep { try? FileManager.default.removeItem(at: folder) } }
        let path = folder.appendingPathComponent("state.sqlite").path
        var generator = SyntheticItems(seed: 42)
        for _ in 0..<resume { _ = generator.next() }

        var clock = ContinuousClock.now
        do {
            let engine = try CrossLinkEngine(path: path)
            for index in 0..<preload {
                _ = try engine.ingest(generator.next())
                if index % 10_000 == 9_999 {
                    try engine.commit(offsets: [:])
                    let rate = Double(index + 1) / (ContinuousClock.now - clock).seconds
                    FileHandle.standardError.write(Data("\rpreloaded \(index + 1) items (\(Int(rate))/s)".utf8))
                }
            }
            try engine.commit(offsets: [:])
        }
        let preloadSeconds = (ContinuousClock.now - clock).seconds
        FileHandle.standardError.write(Data("\n".utf8))

        let messages = try (0..<measure).map { index in
            let item = generator.next()
            return ConsumedMessage(
                topic: TopicName.itemsMatched, partition: Int32(index % 6), offset: Int64(index), key: Array(item.key.utf8),
                value: try TopicJSON.encode(item), headers: [], timestamp: 0)
        }

        // Baseline: decode each item, encode an empty ItemFindings.
        clock = .now
        var baselineBytes = 0
        for message in messages {
            let item = try TopicJSON.decode(Item.self, from: message.value)
            baselineBytes += try TopicJSON.encode(ItemFindings(item: item, verdicts: [])).count
        }
        let baselineSeconds = (ContinuousClock.now - clock).seconds

        clock = .now
        let openStart = ContinuousClock.now
        let stage = try CrossLinkProcessor(statePath: path)
        let openSeconds = (ContinuousClock.now - openStart).seconds
        clock = .now
        var findings = 0
        var linkedFindings = 0
        var batch: [TopicPartition: Int64] = [:]
        for (index, message) in messages.enumerated() {
            let outputs = try await stage.process(message)
            findings += outputs.count
            linkedFindings += outputs.count - 1
            batch[message.position] = message.offset + 1
            if index % 500 == 499 {
                try await stage.batchDidComplete(batch)
                batch = [:]
            }
        }
        try await stage.batchDidComplete(batch)
        let seconds = (ContinuousClock.now - clock).seconds

        let itemsPerSecond = Double(measure) / seconds
        let baselinePerSecond = Double(measure) / baselineSeconds
        if resume > 0 { print("cross-link benchmark: continuing a kept state of \(resume) items") }
        print("cross-link benchmark: \(preload) items preloaded in \(format(preloadSeconds)) s (\(Int(Double(preload) / preloadSeconds)) items/s); state reopened in \(format(openSeconds)) s")
        print("  cross-link: \(measure) items -> \(findings) findings (\(linkedFindings) for cluster members re-judged) in \(format(seconds)) s")
        print("  cross-link: \(Int(itemsPerSecond)) items/s, \(Int(Double(findings) / seconds)) findings/s")
        print("  baseline (decode item + encode findings, same items): \(Int(baselinePerSecond)) items/s (\(baselineBytes / max(1, measure)) bytes/findings)")
        print("  ratio cross-link/baseline: \(String(format: "%.4f", itemsPerSecond / baselinePerSecond))")
    }

    func format(_ value: Double) -> String { String(format: "%.2f", value) }
}


/// Posts and listings over several platforms with the link evidence cross-link
/// reads: about 1 post in 10 links a listing seen before, 1 item in 20 shares a
/// phone number with another, 1 picture in 50 is a near copy of an earlier one,
/// 1 post in 5 carries a brand signal; the rest is unique.
struct SyntheticItems {
    var state: UInt64
    var count = 0
    var listingIDs: [String] = []
    var pictures: [String] = []

    init(seed: UInt64) { state = seed }

    mutating func random() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    mutating func chance(_ oneIn: UInt64) -> Bool { random() % oneIn == 0 }

    mutating func hex() -> String {
        (0..<4).map { _ in
            let text = String(random(), radix: 16)
            return String(repeating: "0", count: 16 - text.count) + text
        }.joined()
    }

    mutating func next() -> Item {
        count += 1
        let isListing = count % 2 == 0
        let platforms = isListing ? ["amazon", "ebay", "etsy", "aliexpress"] : ["instagram", "tiktok", "x", "pinterest"]
        let platform = platforms[Int(random() % 4)]
        let id: String
        switch platform {
        case "amazon": id = "B0" + String(String(random(), radix: 36).uppercased().prefix(8)).padding(toLength: 8, withPad: "X", startingAt: 0)
        case "ebay": id = "v1|\(100_000_000_000 + random() % 800_000_000_000)|0"
        default: id = String(random() % 9_000_000_000_000 + 1_000_000_000_000)
        }
        var picture = Picture(url: "https://cdn.example.com/\(count).jpg")
        if !pictures.isEmpty, chance(50) {
            // A near copy: flip a few bits of an earlier picture.
            var hash = PDQHash(hex: pictures[Int(random() % UInt64(pictures.count))])!
            hash.words.0 ^= 1 << (random() % 64)
            hash.words.2 ^= 1 << (random() % 64)
            picture.pdq = hash.hex
        } else {
            picture.pdq = hex()
        }
        picture.quality = 90
        if pictures.count < 100_000 { pictures.append(picture.pdq!) } else { pictures[Int(random() % 100_000)] = picture.pdq! }
        var item = Item(
            platform: platform, itemID: id, kind: isListing ? .listing : .post,
            account: Account(handle: "user" + String(random() % 100_000_000_000, radix: 36)),
            text: "Synthetic item \(count) with some words about a bracelet", pictures: [picture])
        if isListing {
            item.url = platform == "amazon" ? "https://www.amazon.com/dp/\(id)" : nil
            if platform == "amazon" {
                if listingIDs.count < 100_000 { listingIDs.append(id) } else { listingIDs[Int(random() % 100_000)] = id }
            }
        } else if !listingIDs.isEmpty, chance(10) {
            let asin = listingIDs[Int(random() % UInt64(listingIDs.count))]
            item.links = [Link(url: "https://www.amazon.com/dp/\(asin)", foundIn: "text", products: [ProductRef(platform: "amazon", itemID: asin)])]
        }
        if chance(20) {
            item.contacts = [Contact(kind: .whatsapp, value: "+1555\(1_000_000 + random() % 50_000)")]
        }
        item.signals = !isListing && chance(5) ? [Signal(brand: "cartier", signal: .brandTerm, rule: "exact", matched: "Cartier")] : []
        return item
    }
}
