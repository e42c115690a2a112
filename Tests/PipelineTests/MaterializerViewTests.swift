import Foundation
import Materializer
import Testing
import TouchstoneCore
import Transport

/// The view's SQL: what each message does to the rows, retraction, decisions
/// surviving re-judgement, duplicates skipped, batch boundaries invisible.
@Suite struct MaterializerViewTests {
    typealias F = MaterializerFixtures

    func makeView() throws -> MaterializedView {
        try MaterializedView(writingAt: F.temporaryDirectory().appendingPathComponent("view.sqlite"))
    }

    @Test func seedCaseLandsAsItemsFindingsAndACluster() async throws {
        let view = try makeView()
        let seed = F.seedCase()
        try await view.apply(seed.enumerated().map { F.findingsMessage($1, offset: Int64($0)) })
        let reader = try view.reader()
        let findings = try reader.findings(FindingFilter())
        #expect(findings.map(\.itemID) == ["B0DMQX7Z41", "17895695668004550"])
        #expect(findings[0].reasons.map(\.signal) == [.imageMatch, .priceUnderFloor])
        #expect(findings[0].linked == [LinkedItem(platform: "instagram", itemID: "17895695668004550")])
        let cluster = try #require(try reader.cluster("c-seed"))
        #expect(cluster.summary.platforms == ["amazon", "instagram"])
        #expect(cluster.summary.maxSeverity == .high)
        #expect(cluster.members.count == 2)
        // Both members report the same two edges; the cluster shows each once.
        #expect(cluster.edges.count == 2)
        #expect(cluster.members.allSatisfy { $0.rawSHA256?.count == 64 })
        let stats = try reader.stats()
        #expect(stats.items == 2 && stats.findingsBySeverity["high"] == 2 && stats.crossPlatformClusters == 1)
    }

    @Test func emptyVerdictsRetractAndTheClusterFollows() async throws {
        let view = try makeView()
        var seed = F.seedCase()
        try await view.apply(seed.enumerated().map { F.findingsMessage($1, offset: Int64($0)) })
        // The listing is re-judged clean (a rule was removed) and leaves the cluster.
        seed[1].verdicts = []
        seed[1].clusterID = nil
        seed[1].linked = []
        seed[1].edges = []
        try await view.apply([F.findingsMessage(seed[1], offset: 2)])
        let reader = try view.reader()
        #expect(try reader.findings(FindingFilter()).map(\.itemID) == ["17895695668004550"])
        #expect(try reader.cluster("c-seed")?.summary.itemCount == 1)
        #expect(try reader.stats().items == 2, "the item itself stays, judged clean")
        // A tombstone removes the item altogether.
        try await view.apply([ConsumedMessage(topic: TopicName.findings, partition: 0, offset: 3, key: Array(seed[0].item.key.utf8),
                                              value: [], headers: [], timestamp: 0)])
        #expect(try reader.cluster("c-seed") == nil)
        #expect(try reader.stats().items == 1)
    }

    @Test func decisionsSurviveRejudgementAndRetraction() async throws {
        let view = try makeView()
        let seed = F.seedCase()
        try await view.apply(seed.enumerated().map { F.findingsMessage($1, offset: Int64($0)) })
        let dismiss = Decision(brand: "aurelle", platform: "amazon", itemID: "B0DMQX7Z41", action: .dismissed, note: "test", at: "2026-11-28T10:00:00.000Z")
        let sent = Decision(brand: "aurelle", platform: "instagram", itemID: "17895695668004550", action: .takedownSent, by: "jd", at: "2026-11-28T11:00:00.000Z")
        try await view.apply([F.decisionMessage(dismiss, offset: 0), F.decisionMessage(sent, partition: 1, offset: 0)])
        // Replay: the same items judged again, then the listing retracted and judged again.
        var retracted = seed[1]
        retracted.verdicts = []
        try await view.apply([F.findingsMessage(seed[0], offset: 2), F.findingsMessage(retracted, offset: 3), F.findingsMessage(seed[1], offset: 4)])
        let reader = try view.reader()
        let all = try reader.findings(FindingFilter())
        #expect(all.first { $0.platform == "amazon" }?.decision == "dismissed")
        #expect(all.first { $0.platform == "instagram" }?.decision == "takedown-sent")
        #expect(try reader.findings(FindingFilter(includeDismissed: false)).map(\.platform) == ["instagram"])
        let detail = try #require(try reader.finding(platform: "instagram", itemID: "17895695668004550"))
        #expect(detail.takedown?.sentBy == "jd")
        #expect(detail.decisions.map(\.action) == ["takedown-sent"])
        // A later decision wins.
        let confirm = Decision(brand: "aurelle", platform: "amazon", itemID: "B0DMQX7Z41", action: .confirmed, at: "2026-11-29T10:00:00.000Z")
        try await view.apply([F.decisionMessage(confirm, offset: 1)])
        #expect(try reader.findings(FindingFilter(platform: "amazon")).first?.decision == "confirmed")
    }

    @Test func aMessageAlreadyInTheViewIsSkipped() async throws {
        let view = try makeView()
        let messages = F.stream(count: 60, seed: 1).enumerated().map { F.findingsMessage($1, offset: Int64($0)) }
        try await view.apply(messages)
        let once = try view.dump()
        try await view.apply(messages)
        try await view.apply(Array(messages[20...]))
        #expect(try view.dump() == once)
        #expect(try view.storedOffsets() == [TopicPartition(topic: TopicName.findings, partition: 0): 60])
    }

    @Test(arguments: [1, 7, 1000])
    func batchBoundariesDoNotShow(batchSize: Int) async throws {
        let messages = F.stream(count: 150, seed: 42).enumerated().map { F.findingsMessage($1, offset: Int64($0)) }
            + [F.decisionMessage(Decision(brand: "aurelle", platform: "amazon", itemID: "id3", action: .dismissed, at: "2026-11-28T10:00:00.000Z"), offset: 0)]
        let oneBatch = try makeView()
        try await oneBatch.apply(messages)
        let split = try makeView()
        for start in stride(from: 0, to: messages.count, by: batchSize) {
            try await split.apply(Array(messages[start..<min(messages.count, start + batchSize)]))
        }
        #expect(try split.dump() == oneBatch.dump())
    }

    @Test func unreadableMessagesAreRecordedAndReported() async throws {
        let view = try makeView()
        let bad = [
            ConsumedMessage(topic: TopicName.findings, partition: 0, offset: 0, key: Array("x:1".utf8), value: Array("{not json".utf8), headers: [], timestamp: 0),
            ConsumedMessage(topic: TopicName.alerts, partition: 0, offset: 0, key: nil, value: Array("{\"brand\":\"b\"}".utf8), headers: [], timestamp: 0),
            F.findingsMessage(F.seedCase()[0], offset: 1),
        ]
        let rejected = try await view.apply(bad)
        #expect(rejected.count == 2)
        #expect(rejected[0].reason.contains("not valid JSON"))
        #expect(rejected[1].reason.contains("lacks field"))
        let reader = try view.reader()
        #expect(try reader.stats().rejectedMessages == 2)
        #expect(try reader.stats().items == 1, "the good message of the batch is applied")
    }

    @Test func alertsAreKeptByAlertID() async throws {
        let view = try makeView()
        let alert = Alert(brand: "aurelle", platform: "amazon", itemID: "B0DMQX7Z41", kind: .listing, url: nil, severity: .high, score: 0.87,
                          reasons: [Reason(signal: .imageMatch, detail: "d")], clusterID: "c-seed", linked: [], raisedAt: "2026-11-28T10:00:00.000Z")
        try await view.apply([F.alertMessage(alert, offset: 0), F.alertMessage(alert, offset: 1)])
        let alerts = try view.reader().alerts()
        #expect(alerts == [alert])
    }
}
