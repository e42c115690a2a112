import Foundation
import KafkaTransport
import Pipeline
import Testing
import TouchstoneCore
import TouchstoneTestKit

/// The same end-to-end and replay checks as on the embedded log, with every
/// stage a consumer group on a real Kafka-protocol broker (Tansu).
@Suite(.serialized, .timeLimit(.minutes(4))) struct KafkaEndToEndTests {
    static func harness(_ name: String, broker: TansuBroker) throws -> PipelineHarness {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("touchstone-e2e-kafka-\(name)-\(UUID().uuidString.prefix(8))", isDirectory: true)
        return try PipelineHarness(root: root, transport: try KafkaMessageTransport(bootstrapServers: broker.bootstrapServers))
    }

    @Test(.enabled(if: TansuBroker.unavailableReason == nil, "\(TansuBroker.unavailableReason ?? "")"))
    func seedCaseAndVariantsOnKafka() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let harness = try Self.harness("seed", broker: broker)
        defer { harness.removeFiles() }
        try await harness.ingestDemo()
        try await harness.runUntilIdle()
        try EndToEndTests.checkSeedCaseAndVariants(harness)
        #expect(try await Demo.deadLetterCount(harness.environment.transport) == 4)
    }

    @Test(.enabled(if: TansuBroker.unavailableReason == nil, "\(TansuBroker.unavailableReason ?? "")"))
    func replayOnKafka() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let harness = try Self.harness("replay", broker: broker)
        defer { harness.removeFiles() }
        try await harness.ingestDemo()
        try await ReplayTests.ingestExtra(harness)
        try await harness.runUntilIdle()
        try await harness.publish(Decision(brand: "aurelle", platform: "amazon", itemID: "B0DMQX7Z41", action: .dismissed,
                                           by: "test", at: Timestamp.now()))
        try ReplayTests.setProducts(harness, adding: "Stellaris Moonphase")
        try await harness.environment.replay(from: .textMatch, sinceMilliseconds: nil)
        try await harness.runUntilIdle()
        let added = try harness.exported()
        #expect(added[ReplayTests.extraKey]?.reasons.contains { $0.signal == .product } ?? false)
        #expect(try harness.view().findings(.init(platform: "amazon", itemID: "B0DMQX7Z41")).first?.decision == "dismissed")

        // Equal to a fresh run with the new rules (on a broker of its own: same topic names).
        let freshBroker = try await TansuBroker.start()
        defer { freshBroker.stop() }
        let fresh = try Self.harness("replay-fresh", broker: freshBroker)
        defer { fresh.removeFiles() }
        try ReplayTests.setProducts(fresh, adding: "Stellaris Moonphase")
        try await fresh.ingestDemo()
        try await ReplayTests.ingestExtra(fresh)
        try await fresh.runUntilIdle()
        let freshFindings = try fresh.exported()
        let differing = Set(freshFindings.keys).union(added.keys).filter { freshFindings[$0] != added[$0] }.sorted()
        #expect(differing.isEmpty, "replayed ≠ fresh for \(differing)")

    }

    /// A rule removed and replayed on Kafka: its finding is retracted. (Its own test:
    /// a second replay inside one test once failed to reach idle under heavy load.)
    @Test(.enabled(if: TansuBroker.unavailableReason == nil, "\(TansuBroker.unavailableReason ?? "")"))
    func retractionOnKafka() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let harness = try Self.harness("retract", broker: broker)
        defer { harness.removeFiles() }
        try ReplayTests.setProducts(harness, adding: "Stellaris Moonphase")
        try await harness.ingestDemo()
        try await ReplayTests.ingestExtra(harness)
        try await harness.runUntilIdle()
        #expect(try harness.exported()[ReplayTests.extraKey]?.reasons.contains { $0.signal == .product } ?? false)

        try ReplayTests.setProducts(harness, removing: "Stellaris Moonphase")
        try await harness.environment.replay(from: .textMatch, sinceMilliseconds: nil)
        try await harness.runUntilIdle()
        #expect(!(try harness.exported()[ReplayTests.extraKey]?.reasons.contains { $0.signal == .product } ?? false),
                "the finding that rested on the removed product name is retracted")
    }
}
