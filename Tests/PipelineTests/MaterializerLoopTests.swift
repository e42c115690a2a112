import Foundation
import Materializer
import Testing
import TouchstoneCore
import Transport

/// The materializer's own consume loop: it starts from the view's offsets,
/// not the transport's, and sends unreadable messages to `dead-letters`.
@Suite struct MaterializerLoopTests {
    typealias F = MaterializerFixtures

    func publish(_ findings: [ItemFindings], to transport: InMemoryTransport) throws {
        for finding in findings {
            try transport.append(OutgoingMessage(topic: TopicName.findings, key: finding.item.key, value: try TopicJSON.encode(finding)))
        }
    }

    @Test func resumesFromTheViewsOffsets() async throws {
        let transport = InMemoryTransport()
        let path = F.temporaryDirectory().appendingPathComponent("view.sqlite")
        let stream = F.stream(count: 300, seed: 9)
        try publish(Array(stream[..<120]), to: transport)
        var consumed = try await Materializer.run(transport: transport, viewPath: path, untilIdle: true)
        #expect(consumed == 120)
        try publish(Array(stream[120...]), to: transport)
        consumed = try await Materializer.run(transport: transport, viewPath: path, untilIdle: true)
        #expect(consumed == 180, "a restart reads only what the view does not have")

        let rebuilt = F.temporaryDirectory().appendingPathComponent("view.sqlite")
        try await Materializer.run(transport: transport, viewPath: rebuilt, untilIdle: true)
        #expect(try MaterializedView(writingAt: path).dump() == MaterializedView(writingAt: rebuilt).dump())
        let lag = try await MaterializedView(writingAt: path).lag(on: transport)
        #expect(lag == 0)
    }

    @Test func unreadableMessagesBecomeDeadLetters() async throws {
        let transport = InMemoryTransport()
        try transport.append(OutgoingMessage(topic: TopicName.findings, key: "x:1", value: Array("not json".utf8)))
        try publish(F.seedCase(), to: transport)
        let path = F.temporaryDirectory().appendingPathComponent("view.sqlite")
        try await Materializer.run(transport: transport, viewPath: path, untilIdle: true)
        let letters = try transport.messages(TopicName.deadLetters).map { try TopicJSON.decode(DeadLetter.self, from: $0.value) }
        #expect(letters.count == 1)
        #expect(letters.first?.stage == "materialize")
        #expect(letters.first?.topic == TopicName.findings)
        #expect(letters.first?.payload == "not json")
        #expect(try ViewReader(path: path).stats().items == 2)
    }
}
