import Foundation
import Testing
@testable import EmbeddedLog
import Transport

/// Crash safety of the embedded log: damage the segment files at random byte
/// positions (cut them short, flip a byte, append a torn write) and reopen.
/// Every whole record before the damage must come back, in order, and never a
/// damaged one; appending afterwards must work. 200 trials by default, 2,000
/// with TOUCHSTONE_FULL=1.
@Suite struct EmbeddedLogCrashTests {
    enum Damage: CaseIterable { case cut, flip, tornAppend }

    static var trials: Int { ProcessInfo.processInfo.environment["TOUCHSTONE_FULL"] == "1" ? 2000 : 200 }

    struct Original {
        var value: [UInt8]
        var key: [UInt8]?
        var headers: [MessageHeader]
    }

    @Test func randomDamageKeepsEveryWholeRecordBeforeIt() async throws {
        var generator = SystemRandomNumberGenerator()
        for trial in 0..<Self.trials {
            try await runTrial(trial, damage: Damage.allCases.randomElement(using: &generator)!, generator: &generator)
        }
    }

    func runTrial(_ trial: Int, damage: Damage, generator: inout SystemRandomNumberGenerator) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("touchstone-crash-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var options = EmbeddedLogOptions()
        options.segmentBytes = 700  // several segments, so damage also lands in closed ones
        options.syncOnFlush = false
        let topic = "crash"
        var originals: [Original] = []
        do {
            let transport = try EmbeddedLogTransport(directory: directory, options: options)
            try await transport.createTopic(TopicSpec(name: topic, partitions: 1))
            let producer = try await transport.makeProducer()
            for i in 0..<Int.random(in: 5...40, using: &generator) {
                let value = Array("record-\(i)-".utf8) + (0..<Int.random(in: 0...60, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
                let original = Original(value: value, key: i % 3 == 0 ? nil : Array("k\(i)".utf8),
                                        headers: i % 2 == 0 ? [MessageHeader(name: "n", text: "\(i)")] : [])
                originals.append(original)
                try await producer.send(OutgoingMessage(topic: topic, key: original.key, value: value, headers: original.headers, partition: 0))
                if i % 4 == 3 { try await producer.flush() }  // several batches, so several segments
            }
            try await producer.close()
        }

        // Where each record lives: segment base and byte range.
        let partitionDirectory = directory.appendingPathComponent("topics/\(topic)/0").path
        let bases = Segments.bases(in: partitionDirectory)
        var frames: [(base: Int64, start: Int64, end: Int64)] = []
        for (index, base) in bases.enumerated() {
            let end = index + 1 < bases.count ? bases[index + 1] : Int64(originals.count)
            var position: Int64 = 0
            for offset in base..<end {
                let original = originals[Int(offset)]
                let size = Int64(RecordFormat.frameSize(keyCount: original.key?.count, valueCount: original.value.count, headers: original.headers))
                frames.append((base, position, position + size))
                position += size
            }
        }
        #expect(frames.count == originals.count)

        // Damage one segment at a random byte.
        let victim = bases.randomElement(using: &generator)!
        let path = Segments.path(partitionDirectory, base: victim)
        let file = try PosixFile(path: path)
        let size = try file.size
        let at = Int64.random(in: 0..<max(1, size), using: &generator)
        var firstDamaged: Int64 = Int64(originals.count)  // offset of the first record the damage touches
        switch damage {
        case .cut:
            try file.truncate(to: at)
            firstDamaged = Int64(frames.firstIndex { $0.base == victim && $0.end > at } ?? originals.count)
        case .flip:
            var byte: [UInt8] = [0]
            _ = try byte.withUnsafeMutableBytes { try file.read(into: $0, at: at) }
            byte[0] ^= UInt8.random(in: 1...255, using: &generator)
            try byte.withUnsafeBytes { try file.write($0, at: at) }
            firstDamaged = Int64(frames.firstIndex { $0.base == victim && $0.start <= at && at < $0.end } ?? originals.count)
        case .tornAppend:
            // A crashed writer's partial frame at the end of the newest segment.
            let last = bases.last!
            let tail = try PosixFile(path: Segments.path(partitionDirectory, base: last))
            let garbage = (0..<Int.random(in: 1...40, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            try garbage.withUnsafeBytes { try tail.write($0, at: try tail.size) }
        }

        // Reopen and read everything there is.
        let transport = try EmbeddedLogTransport(directory: directory, options: options)
        let read = try await readAll(transport, topic: topic)
        let context = "trial \(trial), \(damage) at byte \(at) of segment \(victim) (\(bases.count) segments, \(originals.count) records)"
        try check(read, against: originals, context: context)
        let offsets = Set(read.map(\.offset))
        for offset in 0..<firstDamaged {
            #expect(offsets.contains(offset), "\(context): whole record \(offset) before the damage is missing")
        }
        if damage == .cut || damage == .flip, victim == bases.last {
            #expect(!read.contains { $0.offset >= firstDamaged }, "\(context): a record at or after the damage came back")
        }

        // Appending afterwards works and the new records follow what survived.
        let producer = try await transport.makeProducer()
        for i in 0..<3 {
            try await producer.send(OutgoingMessage(topic: topic, key: nil, value: Array("after-\(i)".utf8), partition: 0))
        }
        try await producer.close()
        let reread = try await readAll(try EmbeddedLogTransport(directory: directory, options: options), topic: topic)
        let survivors = reread.filter { !$0.value.starts(with: Array("after-".utf8)) }
        #expect(survivors.map(\.offset) == read.map(\.offset).filter { $0 < firstDamaged || victim != bases.last }
                    || survivors.map(\.offset) == read.map(\.offset), "\(context): records changed after appending")
        #expect(reread.suffix(3).map { String(decoding: $0.value, as: UTF8.self) } == ["after-0", "after-1", "after-2"],
                "\(context): appended records are not at the end: \(reread.suffix(3).map { String(decoding: $0.value, as: UTF8.self) })")
        let appendedOffsets = reread.suffix(3).map(\.offset)
        #expect(appendedOffsets == [appendedOffsets[0], appendedOffsets[0] + 1, appendedOffsets[0] + 2], "\(context): appended offsets \(appendedOffsets)")
    }

    /// Every record read must be an original, unchanged, at its own offset, in rising order.
    func check(_ read: [ConsumedMessage], against originals: [Original], context: String) throws {
        var last: Int64 = -1
        for message in read {
            #expect(message.offset > last, "\(context): offsets out of order")
            last = message.offset
            guard message.offset < originals.count else {
                Issue.record("\(context): offset \(message.offset) was never written")
                continue
            }
            let original = originals[Int(message.offset)]
            #expect(message.value == original.value && message.key == original.key && message.headers == original.headers,
                    "\(context): record \(message.offset) came back damaged")
        }
    }

    func readAll(_ transport: EmbeddedLogTransport, topic: String) async throws -> [ConsumedMessage] {
        let consumer = try await transport.makeConsumer(topics: [topic], membership: .standalone(start: .earliest))
        var all: [ConsumedMessage] = []
        while true {
            let batch = try await consumer.poll(maxMessages: 1000, timeout: .milliseconds(5))
            if batch.isEmpty { break }
            all += batch
        }
        try await consumer.close()
        return all
    }
}

/// A damaged record with more than a read buffer (1 MiB) of records behind it, in the
/// newest segment: the consumer returns the records before it and then polls empty,
/// as at the end of the log. (It once re-read the same full buffer forever, one core
/// busy, and `poll` never came back to honour its timeout.)
@Suite struct EmbeddedLogDamagedMiddleTests {
    @Test func damageFollowedByMoreThanABufferDoesNotStallPoll() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("touchstone-damage-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let topic = "damaged"
        let records = 8_000
        let value = [UInt8](repeating: 0x61, count: 300)
        let transport = try EmbeddedLogTransport(directory: directory)
        try await transport.createTopic(TopicSpec(name: topic, partitions: 1))
        let producer = try await transport.makeProducer()
        try await producer.send(contentsOf: (0..<records).map { _ in OutgoingMessage(topic: topic, key: nil, value: value, partition: 0) })
        try await producer.close()

        // Flip a byte in the value of record 10 (every frame is the same size).
        let partitionDirectory = directory.appendingPathComponent("topics/\(topic)/0").path
        let bases = Segments.bases(in: partitionDirectory)
        #expect(bases == [0], "the records should share one segment")
        let frameSize = Int64(RecordFormat.frameSize(keyCount: nil, valueCount: value.count, headers: []))
        let file = try PosixFile(path: Segments.path(partitionDirectory, base: 0))
        #expect(try file.size == frameSize * Int64(records))
        let at = frameSize * 10 + frameSize / 2
        try [UInt8(0x62)].withUnsafeBytes { try file.write($0, at: at) }

        let consumer = try await transport.makeConsumer(topics: [topic], membership: .standalone(start: .earliest))
        var read: [ConsumedMessage] = []
        var emptyPolls = 0
        while emptyPolls < 3 {
            let batch = try await consumer.poll(maxMessages: 1000, timeout: .milliseconds(20))
            if batch.isEmpty { emptyPolls += 1 }
            read += batch
        }
        try await consumer.close()
        #expect(read.map(\.offset) == Array(0..<10))
        #expect(read.allSatisfy { $0.value == value })
    }
}
