import Foundation
import Materializer
import Pipeline
import Testing
import TouchstoneCore

/// The product's reason to exist, through every real stage on a real
/// transport: the bundled demo data holds the seed case (an Instagram account
/// showing the brand's photo and linking a generic Amazon listing) and its
/// variants (TikTok → AliExpress by WhatsApp number, Pinterest → Etsy by the
/// same photo resized and recompressed, X → eBay by an item id in the text),
/// an authorized seller, clean noise and bad lines.
@Suite(.serialized) struct EndToEndTests {
    static func linked(_ finding: ExportedFinding?, _ platform: String, _ itemID: String) -> Bool {
        finding?.linked.contains { $0.platform == platform && $0.itemID == itemID } ?? false
    }

    static func checkSeedCaseAndVariants(_ harness: PipelineHarness) throws {
        let findings = try harness.exported()

        // Seed case: the generic Amazon listing inherits the Instagram post's risk.
        let amazon = findings["amazon:B0DMQX7Z41"]
        #expect(amazon != nil, "the generic Amazon listing must be a finding")
        #expect((amazon?.severity ?? .none) >= .high)
        #expect(amazon?.brand == "aurelle")
        #expect(linked(amazon, "instagram", "17895695668004550"))
        #expect(amazon?.reasons.contains { [.linkInBio, .linksTo].contains($0.signal) } ?? false)
        #expect(amazon?.clusterID != nil && amazon?.clusterID == findings["instagram:17895695668004550"]?.clusterID)

        // TikTok → AliExpress by WhatsApp number.
        let aliexpress = findings["aliexpress:1005006123456789"]
        #expect((aliexpress?.severity ?? .none) >= .medium)
        #expect(linked(aliexpress, "tiktok", "7301234567890123457"))
        #expect(aliexpress?.reasons.contains { $0.signal == .sameContact } ?? false)

        // Pinterest → Etsy by the same photo, resized and recompressed.
        let etsy = findings["etsy:1587654321"]
        #expect((etsy?.severity ?? .none) >= .medium)
        #expect(linked(etsy, "pinterest", "987654321098765432"))

        // X → eBay by an item id in the text.
        let ebay = findings["ebay:v1|325551234567|0"]
        #expect((ebay?.severity ?? .none) >= .medium)
        #expect(linked(ebay, "x", "1859012345678901234"))

        // Unlinked generic listings and noise stay clean; the brand's own listing is not a finding.
        for clean in ["amazon:B0BOTTLE123", "ebay:v1|110000000001|0", "etsy:1587000002", "x:1859012345678900001", "amazon:B0AURELLE01"] {
            #expect(findings[clean] == nil, "\(clean) must stay clean, got \(String(describing: findings[clean]))")
        }
    }

    @Test func seedCaseAndVariantsOnTheEmbeddedLog() async throws {
        let harness = try PipelineHarness.embedded("seed")
        defer { harness.removeFiles() }
        try await harness.ingestDemo()
        try await harness.runUntilIdle()
        try Self.checkSeedCaseAndVariants(harness)
        // Bad lines went to dead letters, nothing else was lost.
        #expect(try await Demo.deadLetterCount(harness.environment.transport) == 4)
        #expect(try harness.view().stats().items >= 17)
    }
}
