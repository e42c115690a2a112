import Foundation
import Ingest
import Normalize
import StreamProcessing
import Testing
import TouchstoneCore

/// Mutated native lines never crash or hang ingest or normalize: every one
/// is either published or dead-lettered by ingest, and either normalized or
/// refused with a ``StageError`` by normalize. ~10k mutations by default,
/// 100k+ with TOUCHSTONE_FULL=1. Seeded, so a failure can be replayed.
@Suite struct FuzzTests {
    static var mutationCount: Int { ProcessInfo.processInfo.environment["TOUCHSTONE_FULL"] == "1" ? 120_000 : 10_000 }

    @Test func mutatedLinesNeverCrashIngestOrNormalize() throws {
        var rng = SplitMix64(seed: 0x7045_6e67_1e57)
        let seeds = Fixtures.all.map { (platform: $0.platform, bytes: Array($0.line.utf8)) }
        var published = 0, deadLettered = 0, normalized = 0, refused = 0
        for _ in 0..<Self.mutationCount {
            let seed = seeds[Int(rng.next() % UInt64(seeds.count))]
            var bytes = seed.bytes
            let rounds = 1 + Int(rng.next() % 4)
            for _ in 0..<rounds { Mutator.mutate(&bytes, &rng) }
            let ingester = LineIngester(platform: seed.platform, source: "/fuzz/\(seed.platform).ndjson", maxLineBytes: 64 << 10)
            switch ingester.disposition(of: bytes, number: 1, capturedAt: "2026-11-30T00:00:00.000Z") {
            case .published(let message):
                published += 1
                #expect(message.value == bytes)
            case .deadLettered(let message, let reason):
                deadLettered += 1
                #expect(!reason.isEmpty)
                #expect(message.topic == TopicName.deadLetters)
            }
            do throws(StageError) {
                let items = try Normalizer.items(fromLine: bytes, context: Fixtures.context(seed.platform))
                normalized += 1
                for item in items { #expect(!item.itemID.isEmpty) }
            } catch {
                refused += 1
                #expect(!error.reason.isEmpty)
            }
        }
        #expect(published + deadLettered == Self.mutationCount)
        #expect(normalized + refused == Self.mutationCount)
        // Both paths must have been exercised for the fuzz to mean anything.
        #expect(published > 0 && deadLettered > 0 && normalized > 0 && refused > 0)
    }

    @Test func deepNestingAndHugeValuesAreRefusedNotCrashing() throws {
        let deep = Array(repeating: UInt8(ascii: "["), count: 200_000)
        let ingester = LineIngester(platform: "amazon", source: "/fuzz/a.ndjson")
        if case .published = ingester.disposition(of: deep, number: 1, capturedAt: "t") { Issue.record("deep nesting was published") }
        #expect(throws: StageError.self) { try Normalizer.items(fromLine: deep, context: Fixtures.context("amazon")) }
        let hugeNumber = Array(#"{"ASIN":"B0","Offers":{"Listings":[{"Price":{"Amount":1e999999999}}]}}"#.utf8)
        #expect(throws: StageError.self) { try Normalizer.items(fromLine: hugeNumber, context: Fixtures.context("amazon")) }
        let longID = Array(("{\"id\":" + String(repeating: "9", count: 100_000) + "}").utf8)
        let item = try Normalizer.items(fromLine: longID, context: Fixtures.context("tiktok"))
        #expect(item.first?.itemID.count == 100_000)
    }
}

/// Byte-level mutations that hit the JSON grammar's edges.
enum Mutator {
    static let tokens: [[UInt8]] = [
        "\"", "\\", "{", "}", "[", "]", ",", ":", "null", "true", "-", "0", "1e309", "18446744073709551616", "\\u", "\\ud800",
        "\\udc00\\ud800", "\u{0}", "\u{7f}", "é", "💍", "<b>", "&amp;", "&#x1F600;", "&#0;", "#", "@", "+33 6 12 34 56 78", "http://",
        "wa.me/", "t.me/", "//", "../", "\"data\":[]", "\"id\":{}", "{\"a\":", "[[[[[[[[", "]]]]]", "1.", ".5", "00", "\r\n",
    ].map { Array($0.utf8) }

    static func mutate(_ bytes: inout [UInt8], _ rng: inout SplitMix64) {
        guard !bytes.isEmpty else {
            bytes = tokens[Int(rng.next() % UInt64(tokens.count))]
            return
        }
        let at = Int(rng.next() % UInt64(bytes.count))
        switch rng.next() % 8 {
        case 0: bytes[at] ^= UInt8(1 << (rng.next() % 8))
        case 1: bytes[at] = UInt8(truncatingIfNeeded: rng.next())
        case 2: bytes.insert(UInt8(truncatingIfNeeded: rng.next()), at: at)
        case 3:
            let length = min(bytes.count - at, 1 + Int(rng.next() % 16))
            bytes.removeSubrange(at..<(at + length))
        case 4: bytes.insert(contentsOf: tokens[Int(rng.next() % UInt64(tokens.count))], at: at)
        case 5:
            let length = min(bytes.count - at, 1 + Int(rng.next() % 32))
            bytes.insert(contentsOf: bytes[at..<(at + length)], at: at)
        case 6: bytes.removeSubrange(at...)
        default:
            // Swap a value's digits into a quoted string or back.
            if let quote = bytes[at...].firstIndex(of: UInt8(ascii: "\"")) { bytes.remove(at: quote) }
        }
    }
}

