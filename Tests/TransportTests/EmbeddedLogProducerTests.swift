import Foundation
import Testing
@testable import EmbeddedLog
import Transport

/// The producer's senders and its writer share a hand-off of full batches; flush and linger
/// also collect the partly filled ones. Several tasks sending into one producer at once, with
/// flushes in between, must leave every message exactly once and in order per partition, and
/// a flush must return only once everything its caller sent before it is written.
@Suite struct EmbeddedLogProducerTests {
    /// Small batches and buffer, so that batches fill, hand off and wait for room often.
    func makeTransport(syncOnFlush: Bool) throws -> EmbeddedLogTransport {
        var options = EmbeddedLogOptions()
        options.batchBytes = 4 << 10
        options.bufferBytes = 16 << 10
        options.syncOnFlush = syncOnFlush
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("touchstone-producer-\(UUID().uuidString)")
        return try EmbeddedLogTransport(directory: directory, options: options)
    }

    func value(sender: Int, sequence: Int) -> [UInt8] {
        Array("\(sender):\(sequence):".utf8) + [UInt8](repeating: 46, count: 80 + sequence % 50)
    }

    @Test(arguments: [false, true])
    func concurrentSendersAndFlushesKeepEveryMessageOnceAndInOrder(syncOnFlush: Bool) async throws {
        let transport = try makeTransport(syncOnFlush: syncOnFlush)
        defer { try? FileManager.default.removeItem(at: transport.directory) }
        let senders = 4, perSender = 5000
        // One partition per sender, so that after a flush the partition holds exactly what its sender sent.
        try await transport.createTopic(TopicSpec(name: "many", partitions: Int32(senders)))
        let producer = try await transport.makeProducer()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for sender in 0..<senders {
                group.addTask {
                    var sent = 0
                    var round = 0
                    while sent < perSender {
                        round += 1
                        // Alternate single sends and batches of different lengths.
                        let count = min(perSender - sent, round % 3 == 0 ? 1 : (round * 37) % 200 + 1)
                        let messages = (sent..<(sent + count)).map {
                            OutgoingMessage(topic: "many", key: nil, value: value(sender: sender, sequence: $0), partition: Int32(sender))
                        }
                        if count == 1 {
                            try await producer.send(messages[0])
                        } else {
                            try await producer.send(contentsOf: messages)
                        }
                        sent += count
                        if round % 2 == 0 {
                            try await producer.flush()
                            let high = try transport.offsets("many", Int32(sender)).high
                            #expect(high == Int64(sent), "sender \(sender): flush returned with \(high) of \(sent) messages written")
                        }
                    }
                }
            }
            // Flushes from a task that sends nothing, while the senders run.
            group.addTask {
                for _ in 0..<20 {
                    try await producer.flush()
                    try await Task.sleep(for: .milliseconds(1))
                }
            }
            try await group.waitForAll()
        }
        try await producer.close()

        let consumer = try await transport.makeConsumer(topics: ["many"], membership: .standalone(start: .earliest))
        var got: [ConsumedMessage] = []
        while got.count < senders * perSender {
            let batch = try await consumer.poll(maxMessages: 5000, timeout: .seconds(2))
            if batch.isEmpty { break }
            got += batch
        }
        try await consumer.close()
        #expect(got.count == senders * perSender)
        for sender in 0..<senders {
            let values = got.filter { $0.partition == Int32(sender) }.map(\.value)
            #expect(values == (0..<perSender).map { value(sender: sender, sequence: $0) }, "partition \(sender) is not its sender's messages once each in order")
        }
        #expect((producer as! EmbeddedLogProducer).backpressureWaits > 0, "the 16 KiB buffer never filled: the test did not exercise waiting for room")
    }

    /// Many partitions, none of whose batches fills: the open batches are written once they add
    /// up to a batch (or after the linger), and senders waiting for room are woken.
    @Test func partlyFilledBatchesAcrossManyPartitionsAreWritten() async throws {
        let transport = try makeTransport(syncOnFlush: false)
        defer { try? FileManager.default.removeItem(at: transport.directory) }
        try await transport.createTopic(TopicSpec(name: "wide", partitions: 64))
        let producer = try await transport.makeProducer()
        // 64 partitions x 300 bytes stays below a 4 KiB batch per partition but well above the 16 KiB buffer.
        let total = 64 * 3
        for i in 0..<total {
            try await producer.send(OutgoingMessage(topic: "wide", key: nil, value: [UInt8](repeating: UInt8(i % 251), count: 300), partition: Int32(i % 64)))
        }
        try await producer.close()
        let offsets = try await transport.describeTopics().first { $0.name == "wide" }!.partitions
        #expect(offsets.map(\.high) == Array(repeating: 3, count: 64))
    }
}
