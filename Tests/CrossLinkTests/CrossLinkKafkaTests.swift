import Foundation
import KafkaTransport
import StreamProcessing
import Testing
import TouchstoneCore
import TouchstoneTestKit
import Transport
@testable import Alert
@testable import CrossLink

let crossLinkKcatPath = "/usr/bin/kcat"

/// The seed case through cross-link and alert on a real Kafka-protocol broker
/// (Tansu), and a `kcat` subscriber on `alerts`: it receives each alert once.
/// Needs `eval "$(scripts/kafka-test-env.sh)"`; skipped otherwise.
@Suite(.enabled(if: TansuBroker.unavailableReason == nil && FileManager.default.isExecutableFile(atPath: crossLinkKcatPath),
                Comment(rawValue: TansuBroker.unavailableReason ?? "kcat is not installed (apt-get install kcat)")), .serialized)
struct CrossLinkKafkaTests {
    @Test func seedCaseOnKafkaAndKcatGetsEachAlertOnce() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let kafka = try KafkaMessageTransport(bootstrapServers: broker.bootstrapServers)
        for topic in [TopicName.itemsMatched, TopicName.findings, TopicName.alerts, TopicName.deadLetters] {
            try await kafka.createTopic(TopicSpec(name: topic, partitions: 4))
        }
        // The post in partition 3, its generic listing in partition 0, the listing first.
        try await EmbeddedLogPipelineTests.publish([(Fixture.amazonListing, 0)], to: kafka)
        let crossLink = try CrossLinkProcessor(statePath: nil)
        try await StageRunner(processor: crossLink, transport: kafka).run(untilIdle: true)
        try await EmbeddedLogPipelineTests.publish([(Fixture.instagramPost, 3)], to: kafka)
        try await StageRunner(processor: crossLink, transport: kafka).run(untilIdle: true)

        let alert = try AlertProcessor(statePath: nil, configuration: AlertConfiguration(policies: ["cartier": AlertPolicy(minSeverity: .medium)]))
        try await StageRunner(processor: alert, transport: kafka).run(untilIdle: true)
        // Alert again with nothing new: no new alert.
        try await StageRunner(processor: alert, transport: kafka).run(untilIdle: true)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: crossLinkKcatPath)
        process.arguments = ["-b", broker.bootstrapServers, "-C", "-t", TopicName.alerts, "-o", "beginning", "-e", "-q"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let alerts = try String(decoding: data, as: UTF8.self).split(separator: "\n").map {
            try TopicJSON.decode(Alert.self, from: Array($0.utf8))
        }
        #expect(alerts.map(\.alertID).sorted() == ["cartier:amazon:B0C1234567:high", "cartier:instagram:17895695668004550:high"])
        let listing = try #require(alerts.first { $0.platform == "amazon" })
        #expect(listing.linked == [LinkedItem(platform: "instagram", itemID: "17895695668004550")])
        #expect(listing.reasons.contains { $0.signal == .linksTo })
    }
}
