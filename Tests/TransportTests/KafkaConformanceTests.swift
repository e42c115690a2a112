import Foundation
import KafkaTransport
import Testing
import TouchstoneTestKit
import Transport

/// The shared transport conformance suite, run on Kafka: a fresh Tansu broker per check.
@Suite(.enabled(if: kafkaSkipReason == nil, Comment(rawValue: kafkaSkipReason ?? "")), .serialized)
struct KafkaConformanceTests {
    static let settings = TransportConformance.Settings(
        timeout: .seconds(20),
        backpressureMessages: ProcessInfo.processInfo.environment["TOUCHSTONE_FULL"] == "1" ? 20_000 : 5_000)

    @Test(arguments: TransportConformance.all.map(\.name))
    func conformance(_ name: String) async throws {
        let check = TransportConformance.all.first { $0.name == name }!
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let servers = broker.bootstrapServers
        try await check.run({ try KafkaMessageTransport(bootstrapServers: servers, config: fastGroupConfig, operationTimeout: .seconds(15)) }, Self.settings)
    }
}
