import Testing
import TouchstoneCore
@testable import CrossLink

@Suite struct RiskScorerTests {
    let scorer = RiskScorer()

    func member(_ key: String, _ kind: ItemKind, _ signals: [SignalName]) -> RiskScorer.Member {
        RiskScorer.Member(key: key, platform: String(key.split(separator: ":")[0]), itemID: String(key.split(separator: ":")[1]),
                          kind: kind, signals: signals.map { Fixture.signal("cartier", $0) })
    }

    @Test func officialPhotoAndPriceUnderFloorIsHigh() {
        let verdicts = scorer.verdicts(members: [member("amazon:1", .listing, [.imageMatch, .priceUnderFloor])], edges: [])
        #expect(verdicts["amazon:1"]?.first?.severity == .high)
        #expect(verdicts["amazon:1"]?.first?.score == 0.72)
    }

    @Test(arguments: [
        ([SignalName.brandTerm], Severity.low),
        ([.imageMatch], .medium),
        ([.brandTerm, .counterfeitTerm], .medium),
        ([.brandTerm, .counterfeitTerm, .priceUnderFloor], .high),
        ([.imageMatch, .brandTerm, .counterfeitTerm, .priceUnderFloor], .critical),
        ([.counterfeitTerm, .priceUnderFloor], .none),
    ])
    func ownSignals(signals: [SignalName], severity: Severity) {
        let verdicts = scorer.verdicts(members: [member("ebay:1", .listing, signals)], edges: [])
        #expect(verdicts["ebay:1"]?.first?.severity ?? .none == severity)
    }

    @Test func inheritanceWeakensWithTheLink() {
        let members = [member("x:1", .post, [.brandTerm, .counterfeitTerm]), member("ebay:2", .listing, [])]
        let strong = scorer.verdicts(members: members, edges: [ClusterEdge(from: "x:1", to: "ebay:2", signal: .linksTo, detail: "", weight: 1)])
        let weak = scorer.verdicts(members: members, edges: [ClusterEdge(from: "x:1", to: "ebay:2", signal: .similarHandle, detail: "", weight: 0.4)])
        #expect(strong["ebay:2"]!.first!.score > weak["ebay:2"]!.first!.score)
    }
}
