import Foundation
import Materializer
import Testing
import TouchstoneCore
import Transport

/// `touchstone export findings`: the line format of PRODUCT.md, string item
/// ids, clean items only with --all.
@Suite struct MaterializerExportTests {
    typealias F = MaterializerFixtures

    func populatedView() async throws -> MaterializedView {
        let view = try MaterializedView(writingAt: F.temporaryDirectory().appendingPathComponent("view.sqlite"))
        var tiktok = F.item("tiktok", "7301234567890123457", kind: .post, title: nil)
        tiktok.text = "Aurelle dupe 1:1"
        let messages = F.seedCase() + [
            F.clean("amazon", "B0BOTTLE123"),
            ItemFindings(item: tiktok, verdicts: [BrandVerdict(brand: "aurelle", severity: .medium, score: 0.5, reasons: [
                Reason(signal: .counterfeitTerm, detail: "\"dupe\" and \"1:1\" in text \"quoted\"\n"),
            ])]),
            ItemFindings(item: F.item("ebay", "v1|110000000001|0", kind: .listing, profiles: ["aurelle", "other"]),
                         verdicts: [BrandVerdict(brand: "other", severity: .none, score: 0.05, reasons: [])]),
        ]
        try await view.apply(messages.enumerated().map { F.findingsMessage($1, offset: Int64($0)) })
        return view
    }

    func export(_ view: MaterializedView, _ filter: FindingFilter) throws -> [String] {
        var lines: [String] = []
        try view.reader().exportFindings(filter) { lines.append(ExportLine.json($0)) }
        return lines
    }

    @Test func linesAreExactlyTheProductFormat() async throws {
        let view = try await populatedView()
        let lines = try export(view, FindingFilter(includeDismissed: false))
        #expect(lines.count == 3)
        #expect(lines[0] == #"{"brand":"aurelle","platform":"amazon","item_id":"B0DMQX7Z41","kind":"listing","url":"https://www.amazon.com/dp/B0DMQX7Z41","severity":"high","score":0.87,"reasons":[{"signal":"image-match","detail":"PDQ distance 12 to post 17895695668004550 (instagram)"},{"signal":"price-under-floor","detail":"39.99 USD under floor 900 USD"}],"cluster_id":"c-seed","linked":[{"platform":"instagram","item_id":"17895695668004550"}]}"#)
        // A 64-bit id stays a string, digit for digit; escapes are JSON's; no cluster is null.
        #expect(lines[2] == #"{"brand":"aurelle","platform":"tiktok","item_id":"7301234567890123457","kind":"post","url":"https://tiktok.example/7301234567890123457","severity":"medium","score":0.5,"reasons":[{"signal":"counterfeit-term","detail":"\"dupe\" and \"1:1\" in text \"quoted\"\n"}],"cluster_id":null,"linked":[]}"#)
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(object["item_id"] is String)
            let decoded = try JSONDecoder().decode(ExportedFinding.self, from: Data(line.utf8))
            #expect(Severity.allCases.contains(decoded.severity))
        }
    }

    @Test func cleanItemsOnlyWithAll() async throws {
        let view = try await populatedView()
        let all = try export(view, FindingFilter(includeClean: true, includeDismissed: true))
        let decoded = try all.map { try JSONDecoder().decode(ExportedFinding.self, from: Data($0.utf8)) }
        let clean = decoded.filter { $0.severity == .none }
        // The bottle (judged by aurelle, no verdict), the eBay camera for "other" (a none
        // verdict) and for "aurelle" (judged, no verdict).
        #expect(Set(clean.map { "\($0.brand) \($0.platform) \($0.itemID)" }) == [
            "aurelle amazon B0BOTTLE123", "other ebay v1|110000000001|0", "aurelle ebay v1|110000000001|0",
        ])
        #expect(decoded.count == 6)
        let aurelleOnly = try export(view, FindingFilter(brand: "aurelle", includeClean: true))
        #expect(aurelleOnly.count == 5)
    }

    @Test func dismissedFindingsLeaveTheDefaultExport() async throws {
        let view = try await populatedView()
        try await view.apply([F.decisionMessage(Decision(brand: "aurelle", platform: "tiktok", itemID: "7301234567890123457",
                                                         action: .dismissed, at: "2026-11-28T10:00:00.000Z"), offset: 0)])
        #expect(try export(view, FindingFilter(includeDismissed: false)).count == 2)
        #expect(try export(view, FindingFilter(includeClean: true, includeDismissed: true)).count == 6)
    }

    @Test func scoresAreRoundedStably() {
        #expect(ExportLine.number(0.87) == "0.87")
        #expect(ExportLine.number(1) == "1")
        #expect(ExportLine.number(0.123456) == "0.1235")
        #expect(ExportLine.number(.nan) == "0")
    }
}
