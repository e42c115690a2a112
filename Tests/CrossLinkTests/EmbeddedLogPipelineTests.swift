import EmbeddedLog
import Foundation
import StreamProcessing
import Testing
import TouchstoneCore
import Transport
@testable import Alert
@testable import CrossLink

#if canImport(Glibc)
import Glibc
#endif

/// Cross-link and alert through the real embedded log and the shared StageRunner.
@Suite struct EmbeddedLogPipelineTests {
    static func transport(_ directory: URL) async throws -> EmbeddedLogTransport {
        let transport = try EmbeddedLogTransport(directory: directory.appendingPathComponent("log", isDirectory: true))
        for topic in [TopicName.itemsMatched, TopicName.findings, TopicName.alerts, TopicName.deadLetters] {
            try await transport.createTopic(TopicSpec(name: topic, partitions: 4))
        }
        return transport
    }

    static func publish(_ items: [(Item, Int32)], to transport: any MessageTransport) async throws {
        let producer = try await transport.makeProducer()
        for (item, partition) in items {
            try await producer.send(OutgoingMessage(
                topic: TopicName.itemsMatched, key: Array(item.key.utf8), value: try TopicJSON.encode(item), partition: partition))
        }
        try await producer.close()
    }

    static func readAll<T: Decodable>(_ topic: String, as type: T.Type, from transport: any MessageTransport) async throws -> [T] {
        let consumer = try await transport.makeConsumer(topics: [topic], membership: .standalone(start: .earliest))
        var values: [T] = []
        while true {
            let batch = try await consumer.poll(maxMessages: 1000, timeout: .milliseconds(300))
            if batch.isEmpty { break }
            values += try batch.map { try TopicJSON.decode(T.self, from: $0.value) }
        }
        try await consumer.close()
        return values
    }

    @Test func seedCaseAndVariantsThroughTheEmbeddedLog() async throws {
        let directory = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let transport = try await Self.transport(directory)

        // The listing lands in partition 0 first; the post sells it from partition 3, later.
        try await Self.publish([(Fixture.amazonListing, 0)], to: transport)
        let crossLink = try CrossLinkProcessor(statePath: CrossLinkProcessor.statePath(dataDirectory: directory))
        try await StageRunner(processor: crossLink, transport: transport).run(untilIdle: true)
        try await Self.publish([(Fixture.instagramPost, 3)], to: transport)
        try await StageRunner(processor: crossLink, transport: transport).run(untilIdle: true)

        let alert = try AlertProcessor(
            statePath: AlertProcessor.statePath(dataDirectory: directory),
            configuration: AlertConfiguration(policies: ["cartier": AlertPolicy(minSeverity: .medium)]))
        try await StageRunner(processor: alert, transport: transport).run(untilIdle: true)

        let findings = try await Self.readAll(TopicName.findings, as: ItemFindings.self, from: transport)
        let latest = Dictionary(findings.map { ($0.item.key, $0) }, uniquingKeysWith: { _, last in last })
        let listing = try #require(latest["amazon:B0C1234567"])
        #expect(listing.verdicts.first?.severity ?? .none >= .high)
        #expect(listing.linked == [LinkedItem(platform: "instagram", itemID: "17895695668004550")])

        let alerts = try await Self.readAll(TopicName.alerts, as: Alert.self, from: transport)
        // The post came after its listing, so both were judged as a cluster at once: one alert each.
        #expect(alerts.map(\.alertID).sorted() == ["cartier:amazon:B0C1234567:high", "cartier:instagram:17895695668004550:high"])

        // Running the stages again (a restart with nothing new) raises nothing new.
        try await StageRunner(processor: alert, transport: transport).run(untilIdle: true)
        #expect(try await Self.readAll(TopicName.alerts, as: Alert.self, from: transport).count == alerts.count)
    }
}
