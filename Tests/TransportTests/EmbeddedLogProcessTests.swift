import EmbeddedLog
import Foundation
import Testing
import Transport

/// The embedded log shared by separate `touchstone` processes on one machine:
/// concurrent producers, a consumer killed with `kill -9` and restarted, and a
/// consumer group split across processes with a member killed.
@Suite(.serialized) struct EmbeddedLogProcessTests {
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("touchstone-processes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Every message of the topic, in log order, by its value.
    static func readTopic(_ transport: EmbeddedLogTransport, _ topic: String) async throws -> [ConsumedMessage] {
        let consumer = try await transport.makeConsumer(topics: [topic], membership: .standalone(start: .earliest))
        var all: [ConsumedMessage] = []
        while true {
            let batch = try await consumer.poll(maxMessages: 10_000, timeout: .milliseconds(50))
            if batch.isEmpty { break }
            all += batch
        }
        try await consumer.close()
        return all
    }

    struct Line: Decodable, Hashable {
        var producer: String
        var key: String
        var seq: Int
    }

    static func decode(_ line: String) throws -> Line {
        try JSONDecoder().decode(Line.self, from: Data(line.utf8))
    }

    /// Sequence numbers per (producer, key) must rise in `lines`.
    static func expectOrderedPerKey(_ lines: [Line], _ context: String) {
        var last: [String: Int] = [:]
        for line in lines {
            let id = "\(line.producer)/\(line.key)"
            #expect(line.seq > last[id, default: -1], "\(context): \(id) #\(line.seq) after #\(last[id, default: -1])")
            last[id] = line.seq
        }
    }

    @Test func twoProducersOneConsumerKilledAndResumed() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = ["--data", directory.appendingPathComponent("data").path]
        let topic = "shared"
        let perProducer = 3000
        let keys = 12
        let created = try await TouchstoneProcess.run(["topics", "create", topic, "--partitions", "4"] + data, in: directory, name: "create")
        #expect(created.status == 0, "create: \(created.stderr)")
        for producer in ["A", "B"] {
            let lines = (0..<perProducer).map { #"{"producer":"\#(producer)","key":"k\#($0 % keys)","seq":\#($0)}"# }
            try (lines.joined(separator: "\n") + "\n").write(to: directory.appendingPathComponent("\(producer).ndjson"), atomically: true, encoding: .utf8)
        }

        let first = try TouchstoneProcess.start(["topics", "tail", topic, "--group", "g", "--from-beginning"] + data, in: directory, name: "consumer1")
        try await Task.sleep(for: .milliseconds(300))
        let producers = try ["A", "B"].map { producer in
            try TouchstoneProcess.start(["topics", "produce", topic, "--key-field", "key"] + data, in: directory, name: "producer\(producer)",
                                        stdin: directory.appendingPathComponent("\(producer).ndjson"))
        }
        // Kill the consumer mid-stream, then let the producers finish.
        try await TouchstoneProcess.waitUntil("the first consumer printed 1000 lines") { first.lines.count >= 1000 }
        first.kill9()
        for producer in producers {
            let status = try await producer.wait(timeout: .seconds(60))
            #expect(status == 0, "producer: \(producer.stderr)")
        }
        let printedBeforeKill = try first.lines.map(Self.decode)

        let transport = try EmbeddedLogTransport(directory: directory.appendingPathComponent("data/log"))
        let log = try await Self.readTopic(transport, topic)
        let committed = try await transport.committedOffsets(group: "g", topic: topic)

        // The log holds every message exactly once, in order per key, in its key's partition.
        let logged = try log.map { try Self.decode(String(decoding: $0.value, as: UTF8.self)) }
        #expect(logged.count == 2 * perProducer && Set(logged).count == 2 * perProducer, "log has \(logged.count) messages, \(Set(logged).count) distinct")
        Self.expectOrderedPerKey(logged, "log")
        for message in log {
            #expect(message.partition == Murmur2Partitioner.partition(key: message.key ?? [], partitions: 4))
        }

        // The restarted consumer resumes exactly at the last commit of the killed one.
        let second = try await TouchstoneProcess.run(["topics", "tail", topic, "--group", "g", "--from-beginning", "--exit-at-end"] + data,
                                                     in: directory, name: "consumer2")
        #expect(second.status == 0, "consumer2: \(second.stderr)")
        let printedAfterRestart = try second.stdout.split(separator: "\n").map { try Self.decode(String($0)) }
        let expectedAfterRestart = log.filter { $0.offset >= committed[$0.partition, default: 0] }
            .map { try! Self.decode(String(decoding: $0.value, as: UTF8.self)) }
        let committedMessages = Set(log.filter { $0.offset < committed[$0.partition, default: 0] }
            .map { try! Self.decode(String(decoding: $0.value, as: UTF8.self)) })
        #expect(!committedMessages.isEmpty, "the first consumer committed nothing before it was killed")
        #expect(Set(printedAfterRestart) == Set(expectedAfterRestart) && printedAfterRestart.count == expectedAfterRestart.count,
                "after restart: printed \(printedAfterRestart.count), expected the \(expectedAfterRestart.count) uncommitted messages")
        #expect(committedMessages.isSubset(of: Set(printedBeforeKill)), "a committed message was never printed")
        #expect(Set(printedBeforeKill).isSubset(of: Set(logged)))
        // Nothing lost: every message was printed by one of the two runs; committed ones exactly once.
        #expect(Set(printedBeforeKill).union(printedAfterRestart) == Set(logged))
        #expect(Set(printedBeforeKill).count == printedBeforeKill.count, "the first consumer printed a message twice")
        Self.expectOrderedPerKey(printedBeforeKill, "consumer before kill")
        Self.expectOrderedPerKey(printedAfterRestart, "consumer after restart")
    }

    @Test func groupMembersInSeparateProcessesSplitAndTakeOver() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let dataDirectory = directory.appendingPathComponent("data")
        let data = ["--data", dataDirectory.path]
        let topic = "split"
        let transport = try EmbeddedLogTransport(directory: dataDirectory.appendingPathComponent("log"))
        try await transport.createTopic(TopicSpec(name: topic, partitions: 4))

        let a = try TouchstoneProcess.start(["topics", "tail", topic, "--group", "g", "--from-beginning"] + data, in: directory, name: "memberA")
        let b = try TouchstoneProcess.start(["topics", "tail", topic, "--group", "g", "--from-beginning"] + data, in: directory, name: "memberB")
        defer {
            a.kill9()
            b.kill9()
        }
        try await TouchstoneProcess.waitUntil("both members joined") {
            FileManager.default.fileExists(atPath: dataDirectory.path)
                && ((try? FileManager.default.contentsOfDirectory(atPath: dataDirectory.appendingPathComponent("log/groups/g/members").path))?
                    .filter { !$0.hasPrefix(".") }.count ?? 0) == 2
        }
        try await Task.sleep(for: .milliseconds(600))  // three membership checks: the split has settled

        func send(_ range: Range<Int>) async throws {
            let producer = try await transport.makeProducer()
            for i in range {
                try await producer.send(OutgoingMessage(topic: topic, key: "key-\(i % 40)", value: Array(#"{"seq":\#(i)}"#.utf8)))
            }
            try await producer.close()
        }
        let first = 0..<400
        try await send(first)
        try await TouchstoneProcess.waitUntil("the members printed all of the first 400") { a.lines.count + b.lines.count >= first.count }
        let log = try await Self.readTopic(transport, topic)
        let partitionOf = Dictionary(uniqueKeysWithValues: log.map { (String(decoding: $0.value, as: UTF8.self), $0.partition) })
        let partitionsA = Set(a.lines.compactMap { partitionOf[$0] })
        let partitionsB = Set(b.lines.compactMap { partitionOf[$0] })
        #expect(!partitionsA.isEmpty && !partitionsB.isEmpty && partitionsA.isDisjoint(with: partitionsB),
                "members did not split the partitions: a read \(partitionsA.sorted()), b read \(partitionsB.sorted())")
        #expect(a.lines.count + b.lines.count == first.count && Set(a.lines + b.lines).count == first.count, "a message was read twice")

        // Once every offset is committed, kill b: a must take over b's partitions and read only what is new.
        try await TouchstoneProcess.waitUntil("everything is committed") {
            let committed = try await transport.committedOffsets(group: "g", topic: topic)
            let highs = try await transport.describeTopics().first { $0.name == topic }!.partitions
            return highs.allSatisfy { committed[$0.partition, default: 0] == $0.high }
        }
        b.kill9()
        let printedByA = a.lines.count
        let second = 400..<800
        try await send(second)
        try await TouchstoneProcess.waitUntil("a printed the next 400", timeout: .seconds(20)) { a.lines.count >= printedByA + second.count }
        try await Task.sleep(for: .milliseconds(300))  // anything re-read would show up now
        let later = Array(a.lines.dropFirst(printedByA))
        let expected = Set(second.map { #"{"seq":\#($0)}"# })
        #expect(Set(later) == expected && later.count == second.count,
                "after b died a printed \(later.count) lines, \(Set(later).subtracting(expected).count) of them not new")
        #expect(Set(later.compactMap { partitionOf[$0] ?? nil }).isEmpty)  // none of the first batch came back
        let laterLog = try await Self.readTopic(transport, topic)
        let laterPartition = Dictionary(uniqueKeysWithValues: laterLog.map { (String(decoding: $0.value, as: UTF8.self), $0.partition) })
        #expect(Set(later.compactMap { laterPartition[$0] }) == Set(0..<4), "a did not take over every partition")
    }

    @Test func produceRejectsBadLinesWithLineNumbers() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let dataDirectory = directory.appendingPathComponent("data")
        let data = ["--data", dataDirectory.path]
        let created = try await TouchstoneProcess.run(["topics", "create"] + data, in: directory, name: "create")
        #expect(created.status == 0, "create: \(created.stderr)")
        let good = #"{"schema":1,"stage":"normalize","reason":"r","at":"2026-11-28T10:00:00.000Z"}"#
        let input = [
            good,
            "{not json",
            #"{"schema":1,"stage":"normalize","at":"2026-11-28T10:00:00.000Z"}"#,
            #"{"schema":1,"stage":"normalize","reason":"r","line":0,"at":"2026-11-28T10:00:00.000Z"}"#,
            good.replacingOccurrences(of: "\"r\"", with: "\"second\""),
        ].joined(separator: "\n") + "\n"
        let inputURL = directory.appendingPathComponent("in.ndjson")
        try input.write(to: inputURL, atomically: true, encoding: .utf8)
        let transport = try EmbeddedLogTransport(directory: dataDirectory.appendingPathComponent("log"))
        func count() async throws -> Int64 {
            try await transport.describeTopics().first { $0.name == "dead-letters" }!.partitions.reduce(0) { $0 + $1.high }
        }

        let atomic = try await TouchstoneProcess.run(["topics", "produce", "dead-letters", "--atomic"] + data, in: directory, name: "atomic", stdin: inputURL)
        #expect(atomic.status == 1)
        #expect(try await count() == 0, "--atomic published something although lines were bad")

        let partial = try await TouchstoneProcess.run(["topics", "produce", "dead-letters"] + data, in: directory, name: "partial", stdin: inputURL)
        #expect(partial.status == 1)
        #expect(partial.stderr.contains("line 2: not JSON"), "stderr: \(partial.stderr)")
        #expect(partial.stderr.contains("line 3: $.reason: required field is missing"), "stderr: \(partial.stderr)")
        #expect(partial.stderr.contains("line 4: $.line: must be at least 1, got 0"), "stderr: \(partial.stderr)")
        #expect(!partial.stderr.contains("line 1:") && !partial.stderr.contains("line 5:"))
        #expect(try await count() == 2)
        let tail = try await TouchstoneProcess.run(["topics", "tail", "dead-letters", "--from-beginning", "--exit-at-end"] + data, in: directory, name: "tail")
        #expect(Set(tail.stdout.split(separator: "\n").map(String.init)) == [good, good.replacingOccurrences(of: "\"r\"", with: "\"second\"")])

        let goodOnly = directory.appendingPathComponent("good.ndjson")
        try (good + "\n\n" + good + "\n").write(to: goodOnly, atomically: true, encoding: .utf8)
        let allGood = try await TouchstoneProcess.run(["topics", "produce", "dead-letters", "--atomic"] + data, in: directory, name: "good", stdin: goodOnly)
        #expect(allGood.status == 0, "stderr: \(allGood.stderr)")
        #expect(try await count() == 4)
    }
}
