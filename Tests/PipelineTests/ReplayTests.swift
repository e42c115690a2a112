import Foundation
import Ingest
import Materializer
import Pipeline
import Testing
import TouchstoneCore

/// Replay after a rule change (runbooks/replay-after-rule-change.md), through
/// every real stage: a product name added and replayed from text-match makes
/// new findings; removed and replayed, they are retracted; a dismissed finding
/// stays dismissed; the end state equals a fresh run with the final rules.
@Suite(.serialized) struct ReplayTests {
    /// An eBay listing that names a product the demo profile does not know yet.
    static let extraListing = #"{"itemId":"v1|220000000777|0","title":"Stellaris Moonphase watch replica 1:1, gold tone","price":{"value":"35.00","currency":"USD"},"seller":{"username":"glitter-stock"},"itemWebUrl":"https://www.ebay.com/itm/220000000777"}"#
    static let extraKey = "ebay:v1|220000000777|0"

    static func ingestExtra(_ harness: PipelineHarness) async throws {
        let file = harness.root.appendingPathComponent("ebay-extra.ndjson")
        try Data((extraListing + "\n").utf8).write(to: file)
        let producer = try await harness.environment.transport.makeProducer()
        _ = try await FileIngester(producer: producer).ingest(path: file.path, platform: "ebay", context: nil)
        try await producer.close()
    }

    static func setProducts(_ harness: PipelineHarness, adding: String? = nil, removing: String? = nil) throws {
        var text = try String(contentsOf: harness.brandFile, encoding: .utf8)
        if let adding {
            text = text.replacingOccurrences(of: "products:\n", with: "products:\n  - \(adding)\n")
        }
        if let removing {
            text = text.replacingOccurrences(of: "  - \(removing)\n", with: "")
        }
        try Data(text.utf8).write(to: harness.brandFile)
    }

    /// The exported findings without what differs between runs by design (nothing, today:
    /// export carries no timestamps), keyed for comparison.
    static func comparable(_ harness: PipelineHarness) throws -> [String: ExportedFinding] {
        try harness.exported()
    }

    @Test func addRemoveAndDecisionsSurvive() async throws {
        let harness = try PipelineHarness.embedded("replay")
        defer { harness.removeFiles() }
        try await harness.ingestDemo()
        try await Self.ingestExtra(harness)
        try await harness.runUntilIdle()
        let before = try harness.exported()
        #expect(!(before[Self.extraKey]?.reasons.contains { $0.signal == .product } ?? false))

        // A human dismisses the seed-case listing.
        try await harness.publish(Decision(brand: "aurelle", platform: "amazon", itemID: "B0DMQX7Z41", action: .dismissed,
                                           by: "test", note: "checked by hand", at: Timestamp.now()))
        try await harness.runUntilIdle()
        #expect(try harness.view().findings(FindingFilter(platform: "amazon", itemID: "B0DMQX7Z41")).first?.decision == "dismissed")

        // Add a product name, replay from text-match: a new finding appears.
        try Self.setProducts(harness, adding: "Stellaris Moonphase")
        let resets = try await harness.environment.replay(from: .textMatch, sinceMilliseconds: nil)
        #expect(resets.map(\.group) == ["touchstone-text-match"])
        try await harness.runUntilIdle()
        let added = try harness.exported()
        let extra = try #require(added[Self.extraKey], "the listing naming the new product must become a finding")
        #expect(extra.reasons.contains { $0.signal == .product })
        #expect(extra.severity >= .medium)
        #expect(try harness.view().findings(FindingFilter(platform: "amazon", itemID: "B0DMQX7Z41")).first?.decision == "dismissed",
                "a dismissed finding stays dismissed after a replay")

        // The replayed state equals a fresh run with the new rules.
        let fresh = try PipelineHarness.embedded("replay-fresh")
        defer { fresh.removeFiles() }
        try Self.setProducts(fresh, adding: "Stellaris Moonphase")
        try await fresh.ingestDemo()
        try await Self.ingestExtra(fresh)
        try await fresh.runUntilIdle()
        let freshFindings = try Self.comparable(fresh)
        let differing = Set(freshFindings.keys).union(added.keys).filter { freshFindings[$0] != added[$0] }.sorted()
        #expect(differing.isEmpty, "replayed ≠ fresh for \(differing.map { "\($0): fresh \(String(describing: freshFindings[$0])) replayed \(String(describing: added[$0]))" })")

        // Remove it again, replay: the finding is retracted.
        try Self.setProducts(harness, removing: "Stellaris Moonphase")
        try await harness.environment.replay(from: .textMatch, sinceMilliseconds: nil)
        try await harness.runUntilIdle()
        let removed = try harness.exported()
        #expect(!(removed[Self.extraKey]?.reasons.contains { $0.signal == .product } ?? false))
        #expect(Set(removed.keys) == Set(before.keys))
    }
}
