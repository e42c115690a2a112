import Foundation
import Materializer
import Testing
import TouchstoneCore
import Web

/// The drafted takedown notice: what goes in, and what must stay out.
@Suite struct WebNoticeTests {
    typealias F = MaterializerFixtures

    @Test func theBrandsOwnItemsAndInheritedReasonsAreTold() async throws {
        let view = try MaterializedView(writingAt: F.temporaryDirectory("notice").appendingPathComponent("view.sqlite"))
        var seed = F.seedCase()
        // Cross-link passes the post's risk on to the listing as "via" reasons.
        seed[1].verdicts[0].reasons.append(Reason(signal: .brandTerm, detail: "via instagram:17895695668004550 (link strength 0.90): exact 'Aurelle' in text"))
        // The brand's own listing shares the official photo with the post: same cluster, judged clean.
        let official = F.item("amazon", "B0AURELLE01", kind: .listing, title: "Aurelle Lune", handle: "A1AURELLEOFFICIAL", picture: "official.jpg")
        let officialEdge = ClusterEdge(from: official.key, to: seed[0].item.key, signal: .sameImage, detail: "PDQ distance 0", weight: 0.8)
        let officialFindings = ItemFindings(item: official, verdicts: [BrandVerdict(brand: "aurelle", severity: .none, score: 0, reasons: [
            Reason(signal: .authorizedAccount, detail: "A1AURELLEOFFICIAL is authorized"),
        ])], clusterID: "c-seed", linked: [], edges: [officialEdge])
        try await view.apply((seed + [officialFindings]).enumerated().map { F.findingsMessage($1, offset: Int64($0)) })
        let detail = try #require(try view.reader().finding(platform: "amazon", itemID: "B0DMQX7Z41"))
        let notice = NoticeDrafter.draft(detail, holder: nil, draftedAt: "2026-11-30T12:00:00.000Z")

        #expect(!notice.text.contains("B0AURELLE01"), "the brand's own listing is not part of the operation")
        #expect(notice.evidence.map(\.itemID) == ["B0DMQX7Z41", "17895695668004550"])
        #expect(notice.text.contains("items that show the following"))
        #expect(notice.text.contains("· the brand name is used: instagram:17895695668004550"))
        #expect(notice.text.contains("[RIGHTS OWNER]"), "without a profile, placeholders say what to fill in")
        #expect(notice.text.contains("Instagram 17895695668004550 → Amazon B0DMQX7Z41"))
        #expect(notice.channel.contains("Amazon"))
    }
}
