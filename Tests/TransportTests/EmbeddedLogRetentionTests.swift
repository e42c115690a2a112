import Foundation
import Testing
@testable import EmbeddedLog
import Transport

/// Segments roll by size, and retention deletes the oldest closed segments by size or age.
@Suite struct EmbeddedLogRetentionTests {
    func makeTransport(segmentBytes: Int64) throws -> EmbeddedLogTransport {
        var options = EmbeddedLogOptions()
        options.segmentBytes = segmentBytes
        options.syncOnFlush = false
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("touchstone-retention-\(UUID().uuidString)")
        return try EmbeddedLogTransport(directory: directory, options: options)
    }

    func produce(_ transport: EmbeddedLogTransport, topic: String, range: Range<Int>) async throws {
        let producer = try await transport.makeProducer()
        for i in range {
            try await producer.send(OutgoingMessage(topic: topic, key: nil, value: Array(String(format: "%06d-%@", i, String(repeating: "x", count: 90)).utf8), partition: 0))
            if i % 10 == 9 { try await producer.flush() }
        }
        try await producer.close()
    }

    func readAll(_ transport: EmbeddedLogTransport, topic: String, from start: StartPosition = .earliest) async throws -> [ConsumedMessage] {
        let consumer = try await transport.makeConsumer(topics: [topic], membership: .standalone(start: start))
        var all: [ConsumedMessage] = []
        while true {
            let batch = try await consumer.poll(maxMessages: 1000, timeout: .milliseconds(20))
            if batch.isEmpty { break }
            all += batch
        }
        try await consumer.close()
        return all
    }

    /// The newest-segment hint in `append.lock` is only a shortcut: a hint naming a segment that
    /// does not exist (a crash between writing it and creating the segment) or an older one
    /// sends the appender back to listing the directory, and offsets go on without a gap.
    @Test(arguments: [Int64(999_999), 0])
    func aWrongNewestSegmentHintIsRepaired(_ wrongHint: Int64) async throws {
        let transport = try makeTransport(segmentBytes: 2000)
        defer { try? FileManager.default.removeItem(at: transport.directory) }
        try await transport.createTopic(TopicSpec(name: "h", partitions: 1))
        try await produce(transport, topic: "h", range: 0..<100)
        let directory = transport.partitionDirectory("h", 0)
        #expect(Segments.bases(in: directory).count > 2)
        var hint = wrongHint.littleEndian
        try Data(bytes: &hint, count: 8).write(to: URL(fileURLWithPath: "\(directory)/append.lock"))
        try await produce(transport, topic: "h", range: 100..<200)
        let all = try await readAll(transport, topic: "h")
        #expect(all.map(\.offset) == (0..<200).map(Int64.init))
        #expect(all.allSatisfy { String(decoding: $0.value.prefix(6), as: UTF8.self) == String(format: "%06d", Int($0.offset)) })
        let newest = Segments.bases(in: directory).last!
        let stored = try Data(contentsOf: URL(fileURLWithPath: "\(directory)/append.lock"))
        #expect(stored.count == 8 && stored.withUnsafeBytes { Int64(littleEndian: $0.loadUnaligned(as: Int64.self)) } == newest)
    }

    @Test func segmentsRollAndSizeRetentionKeepsTheNewest() async throws {
        let transport = try makeTransport(segmentBytes: 2000)
        defer { try? FileManager.default.removeItem(at: transport.directory) }
        try await transport.createTopic(TopicSpec(name: "r", partitions: 1, retentionBytes: 6000))
        try await produce(transport, topic: "r", range: 0..<300)
        let bases = Segments.bases(in: transport.partitionDirectory("r", 0))
        #expect(bases.count >= 3 && bases.count <= 5, "segments: \(bases)")
        let offsets = try await transport.describeTopics().first { $0.name == "r" }!.partitions[0]
        #expect(offsets.high == 300)
        #expect(offsets.low == bases.first && offsets.low > 0)
        // Reading from the earliest starts at the oldest kept record, with its original offset and value.
        let kept = try await readAll(transport, topic: "r")
        #expect(kept.first?.offset == offsets.low && kept.last?.offset == 299 && kept.count == Int(300 - offsets.low))
        for message in kept {
            #expect(String(decoding: message.value.prefix(6), as: UTF8.self) == String(format: "%06d", Int(message.offset)))
        }
        // A committed offset that retention has passed resumes at the oldest kept record.
        try await transport.resetOffsets(group: "g", topic: "r", to: .offset(3))
        let consumer = try await transport.makeConsumer(topics: ["r"], membership: .group("g", start: .earliest))
        let first = try await consumer.poll(maxMessages: 1, timeout: .seconds(2))
        #expect(first.first?.offset == offsets.low)
        try await consumer.close()
    }

    @Test func ageRetentionDeletesOldSegmentsAndCompactTopicsKeepAll() async throws {
        let transport = try makeTransport(segmentBytes: 2000)
        defer { try? FileManager.default.removeItem(at: transport.directory) }
        try await transport.createTopic(TopicSpec(name: "aged", partitions: 1, retentionMilliseconds: 50))
        try await transport.createTopic(TopicSpec(name: "compacted", partitions: 1, cleanup: .compact, retentionMilliseconds: 50, retentionBytes: 100))
        for topic in ["aged", "compacted"] { try await produce(transport, topic: topic, range: 0..<100) }
        try await Task.sleep(for: .milliseconds(200))
        for topic in ["aged", "compacted"] { try await produce(transport, topic: topic, range: 100..<130) }
        let aged = try await readAll(transport, topic: "aged")
        #expect(aged.first!.offset >= 100 - 30, "old segments were kept: first offset \(aged.first!.offset)")
        #expect(aged.last?.offset == 129)
        let compacted = try await readAll(transport, topic: "compacted")
        #expect(compacted.map(\.offset) == Array(0..<130), "the embedded log never deletes from compacted topics")
    }

    @Test func readerFollowsAGrowingTailAcrossSegmentRolls() async throws {
        let transport = try makeTransport(segmentBytes: 1500)
        defer { try? FileManager.default.removeItem(at: transport.directory) }
        try await transport.createTopic(TopicSpec(name: "live", partitions: 1))
        let consumer = try await transport.makeConsumer(topics: ["live"], membership: .standalone(start: .earliest))
        async let produced: Void = produce(transport, topic: "live", range: 0..<500)
        var got: [ConsumedMessage] = []
        let deadline = ContinuousClock.now + .seconds(20)
        while got.count < 500 && ContinuousClock.now < deadline {
            got += try await consumer.poll(maxMessages: 100, timeout: .milliseconds(100))
        }
        try await produced
        try await consumer.close()
        #expect(got.map(\.offset) == Array(0..<500))
    }

    @Test func recordsLargerThanTheReadBufferRoundTrip() async throws {
        let transport = try makeTransport(segmentBytes: 64 << 20)
        defer { try? FileManager.default.removeItem(at: transport.directory) }
        try await transport.createTopic(TopicSpec(name: "big", partitions: 1))
        let sizes = [10, 3 << 20, 70_000, 1 << 20, 5]
        let producer = try await transport.makeProducer()
        for (i, size) in sizes.enumerated() {
            try await producer.send(OutgoingMessage(topic: "big", key: nil, value: [UInt8](repeating: UInt8(i), count: size), partition: 0))
        }
        try await producer.close()
        let got = try await readAll(transport, topic: "big")
        #expect(got.map(\.value.count) == sizes)
        #expect(got.enumerated().allSatisfy { $0.element.value.allSatisfy { [b = UInt8($0.offset)] in $0 == b } })
    }

    /// A transport whose producers buffer only 8 KiB in batches of 4 KiB, so that sends wait for room.
    func smallBufferTransport() throws -> (EmbeddedLogTransport, URL) {
        var options = EmbeddedLogOptions()
        options.bufferBytes = 8 << 10
        options.batchBytes = 4 << 10
        options.syncOnFlush = false
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("touchstone-backpressure-\(UUID().uuidString)")
        return (try EmbeddedLogTransport(directory: directory, options: options), directory)
    }

    @Test func sendSuspendsWhenTheBufferIsFullAndLosesNothing() async throws {
        let (transport, directory) = try smallBufferTransport()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await transport.createTopic(TopicSpec(name: "bp", partitions: 3))
        let producer = try await transport.makeProducer()
        let padding = [UInt8](repeating: 120, count: 1000)
        for i in 0..<2000 {
            try await producer.send(OutgoingMessage(topic: "bp", key: "k\(i % 7)", value: Array("\(i) ".utf8) + padding))
        }
        try await producer.close()
        let waits = (producer as! EmbeddedLogProducer).backpressureWaits
        #expect(waits > 0, "2 MB through an 8 KiB buffer never waited")
        let got = try await readAll(transport, topic: "bp")
        #expect(got.count == 2000)
        #expect(Set(got.map { String(decoding: $0.value.prefix { $0 != 32 }, as: UTF8.self) }) == Set((0..<2000).map(String.init)))
    }

    /// One `send(contentsOf:)` of 2 MB through an 8 KiB buffer waits part-way and loses nothing;
    /// a message to a partition that does not exist stops the batch there: the ones before it
    /// are written, it and the ones after are not.
    @Test func batchSendWaitsForRoomAndStopsAtABadMessage() async throws {
        let (transport, directory) = try smallBufferTransport()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await transport.createTopic(TopicSpec(name: "batch", partitions: 3))
        let producer = try await transport.makeProducer()
        let padding = [UInt8](repeating: 120, count: 1000)
        let messages = (0..<2000).map { OutgoingMessage(topic: "batch", key: "k\($0 % 7)", value: Array("\($0) ".utf8) + padding) }
        try await producer.send(contentsOf: messages)
        #expect((producer as! EmbeddedLogProducer).backpressureWaits > 0, "2 MB through an 8 KiB buffer never waited")
        var mixed = (2000..<2005).map { OutgoingMessage(topic: "batch", key: nil, value: Array("\($0) ".utf8), partition: 1) }
        mixed.insert(OutgoingMessage(topic: "batch", key: nil, value: Array("bad ".utf8), partition: 7), at: 3)
        await #expect(throws: TransportError.self) { try await producer.send(contentsOf: mixed) }
        try await producer.close()
        let got = try await readAll(transport, topic: "batch")
        let values = got.map { String(decoding: $0.value.prefix { $0 != 32 }, as: UTF8.self) }
        #expect(got.count == 2003)
        #expect(Set(values) == Set((0..<2003).map(String.init)))
    }
}
