import Foundation
import Transport

/// The behaviour every ``MessageTransport`` must show, written once and run
/// against each implementation (the embedded log in `EmbeddedLogConformanceTests`,
/// Kafka in the Kafka transport's tests). Each check is a plain async function
/// that takes a factory for a fresh transport and throws a
/// ``ConformanceFailure`` naming what went wrong. Topic and group names are
/// unique per call, so checks can share one broker or data folder.
///
///     @Test func roundTrip() async throws {
///         try await TransportConformance.roundTrip(makeTransport, settings)
///     }
public enum TransportConformance {
    public typealias Factory = @Sendable () async throws -> any MessageTransport

    /// Per-transport knobs: Kafka needs seconds for a rebalance, the embedded log milliseconds.
    public struct Settings: Sendable {
        /// The longest any single expectation may take to come true (a message to arrive, a rebalance to settle).
        public var timeout: Duration
        /// How many 1 KiB messages the backpressure check sends.
        public var backpressureMessages: Int

        public init(timeout: Duration = .seconds(10), backpressureMessages: Int = 20_000) {
            self.timeout = timeout
            self.backpressureMessages = backpressureMessages
        }
    }

    /// Every check, by name, for a parameterised test or a loop.
    public static let all: [(name: String, run: @Sendable (Factory, Settings) async throws -> Void)] = [
        ("roundTrip", roundTrip),
        ("orderPerKey", orderPerKey),
        ("murmur2Partitioning", murmur2Partitioning),
        ("commitAndResume", commitAndResume),
        ("seekByOffsetAndTimestamp", seekByOffsetAndTimestamp),
        ("groupSplitsPartitions", groupSplitsPartitions),
        ("resetOffsets", resetOffsets),
        ("lag", lag),
        ("backpressureLosesNothing", backpressureLosesNothing),
        ("batchSendKeepsOrder", batchSendKeepsOrder),
    ]

    // MARK: Checks

    /// Key, value, headers and timestamp come back as sent; keyed messages land in their murmur2 partition.
    public static func roundTrip(_ make: Factory, _ settings: Settings = Settings()) async throws {
        let transport = try await make()
        let topic = uniqueName("roundtrip")
        try await transport.createTopic(TopicSpec(name: topic, partitions: 3))
        let timestamp: Int64 = 1_700_000_000_123
        let sent = [
            OutgoingMessage(topic: topic, key: "instagram:1", value: Array(#"{"a":1}"#.utf8),
                            headers: [MessageHeader(name: "touchstone-source", text: "in.ndjson"), MessageHeader(name: "bin", value: [0, 255, 7])],
                            timestamp: timestamp),
            OutgoingMessage(topic: topic, key: "amazon:B0C1234567", value: Array("second ✓".utf8), headers: [], timestamp: timestamp + 1),
            OutgoingMessage(topic: topic, key: nil, value: [], headers: [MessageHeader(name: "empty", value: [])], timestamp: timestamp + 2),
        ]
        let producer = try await transport.makeProducer()
        for message in sent { try await producer.send(message) }
        try await producer.flush()
        try await producer.close()

        let consumer = try await transport.makeConsumer(topics: [topic], membership: .standalone(start: .earliest))
        let received = try await receive(sent.count, from: consumer, settings)
        try await consumer.close()
        for message in sent {
            guard let got = received.first(where: { $0.value == message.value }) else {
                throw ConformanceFailure("roundTrip: message \(String(decoding: message.value, as: UTF8.self)) never arrived")
            }
            try expect(got.topic == topic, "roundTrip: topic \(got.topic) != \(topic)")
            try expect(got.key == message.key, "roundTrip: key \(String(describing: got.keyText)) != \(String(describing: message.key))")
            try expect(got.headers == message.headers, "roundTrip: headers \(got.headers) != \(message.headers)")
            try expect(got.timestamp == message.timestamp, "roundTrip: timestamp \(got.timestamp) != \(message.timestamp!)")
            if let key = message.key {
                let expected = Murmur2Partitioner.partition(key: key, partitions: 3)
                try expect(got.partition == expected, "roundTrip: key \(got.keyText!) in partition \(got.partition), murmur2 says \(expected)")
            }
        }
    }

    /// Messages of one key arrive in the order sent, and offsets rise within a partition.
    public static func orderPerKey(_ make: Factory, _ settings: Settings = Settings()) async throws {
        let transport = try await make()
        let topic = uniqueName("order")
        try await transport.createTopic(TopicSpec(name: topic, partitions: 4))
        let keys = (0..<8).map { "key-\($0)" }
        let perKey = 50
        let producer = try await transport.makeProducer()
        for sequence in 0..<perKey {
            for key in keys {
                try await producer.send(OutgoingMessage(topic: topic, key: key, value: Array("\(key)/\(sequence)".utf8)))
            }
        }
        try await producer.close()
        let consumer = try await transport.makeConsumer(topics: [topic], membership: .standalone(start: .earliest))
        let received = try await receive(keys.count * perKey, from: consumer, settings)
        try await consumer.close()
        var nextSequence: [String: Int] = [:]
        var lastOffset: [Int32: Int64] = [:]
        for message in received {
            let parts = String(decoding: message.value, as: UTF8.self).split(separator: "/")
            let key = String(parts[0]), sequence = Int(parts[1])!
            try expect(sequence == nextSequence[key, default: 0], "orderPerKey: \(key) got #\(sequence), expected #\(nextSequence[key, default: 0])")
            nextSequence[key] = sequence + 1
            try expect(message.offset > lastOffset[message.partition, default: -1], "orderPerKey: offsets fell in partition \(message.partition)")
            lastOffset[message.partition] = message.offset
        }
    }

    /// Keys go to `toPositive(murmur2(key)) % partitions`, the Java client's rule.
    public static func murmur2Partitioning(_ make: Factory, _ settings: Settings = Settings()) async throws {
        let transport = try await make()
        let topic = uniqueName("murmur2")
        let partitions: Int32 = 6
        try await transport.createTopic(TopicSpec(name: topic, partitions: partitions))
        let keys = (0..<60).map { "platform:\($0 * 7919)" } + ["21", "foobar", "kafka", "a-little-bit-long-string"]
        let producer = try await transport.makeProducer()
        for key in keys { try await producer.send(OutgoingMessage(topic: topic, key: key, value: Array(key.utf8))) }
        try await producer.close()
        let consumer = try await transport.makeConsumer(topics: [topic], membership: .standalone(start: .earliest))
        let received = try await receive(keys.count, from: consumer, settings)
        try await consumer.close()
        for message in received {
            let expected = Murmur2Partitioner.partition(key: message.key ?? [], partitions: partitions)
            try expect(message.partition == expected, "murmur2Partitioning: key \(message.keyText ?? "nil") in \(message.partition), expected \(expected)")
        }
    }

    /// A group member that commits and leaves is resumed exactly from its commit by the next member.
    public static func commitAndResume(_ make: Factory, _ settings: Settings = Settings()) async throws {
        let transport = try await make()
        let topic = uniqueName("commit")
        let group = uniqueName("group")
        try await transport.createTopic(TopicSpec(name: topic, partitions: 1))
        try await produce(transport, topic: topic, count: 10)

        let first = try await transport.makeConsumer(topics: [topic], membership: .group(group, start: .earliest))
        let firstBatch = try await receive(10, from: first, settings)
        try expect(firstBatch.map(\.offset) == Array(0..<10), "commitAndResume: first member read offsets \(firstBatch.map(\.offset))")
        try await first.commit([TopicPartition(topic: topic, partition: 0): 4])
        try await first.close()
        let committed = try await transport.committedOffsets(group: group, topic: topic)
        try expect(committed == [0: 4], "commitAndResume: committedOffsets = \(committed), expected [0: 4]")

        let second = try await transport.makeConsumer(topics: [topic], membership: .group(group, start: .earliest))
        let resumed = try await receive(6, from: second, settings)
        try await second.close()
        try expect(resumed.map(\.offset) == Array(4..<10), "commitAndResume: resumed at offsets \(resumed.map(\.offset)), expected 4..<10")
    }

    /// Seeking to an offset, a timestamp, the earliest and the latest position.
    public static func seekByOffsetAndTimestamp(_ make: Factory, _ settings: Settings = Settings()) async throws {
        let transport = try await make()
        let topic = uniqueName("seek")
        try await transport.createTopic(TopicSpec(name: topic, partitions: 1))
        let base: Int64 = 1_700_000_000_000
        let producer = try await transport.makeProducer()
        for i in 0..<10 {
            try await producer.send(OutgoingMessage(topic: topic, key: nil, value: Array("m\(i)".utf8), timestamp: base + Int64(i) * 1000, partition: 0))
        }
        try await producer.flush()
        let position = TopicPartition(topic: topic, partition: 0)
        let consumer = try await transport.makeConsumer(topics: [topic], membership: .standalone(start: .earliest))
        try await waitForAssignment(consumer, contains: [position], settings)

        try await consumer.seek(position, to: .offset(5))
        var got = try await receive(5, from: consumer, settings)
        try expect(got.first?.offset == 5, "seek: .offset(5) read from \(String(describing: got.first?.offset))")

        try await consumer.seek(position, to: .timestamp(base + 7000))
        got = try await receive(3, from: consumer, settings)
        try expect(got.first?.offset == 7, "seek: .timestamp(+7s) read from \(String(describing: got.first?.offset))")

        try await consumer.seek(position, to: .timestamp(base + 6500))
        got = try await receive(3, from: consumer, settings)
        try expect(got.first?.offset == 7, "seek: .timestamp(+6.5s) read from \(String(describing: got.first?.offset)), expected the first at or after it (7)")

        try await consumer.seek(position, to: .earliest)
        got = try await receive(10, from: consumer, settings)
        try expect(got.map(\.offset) == Array(0..<10), "seek: .earliest read \(got.map(\.offset))")

        try await consumer.seek(position, to: .latest)
        let nothing = try await consumer.poll(maxMessages: 10, timeout: .milliseconds(300))
        try expect(nothing.isEmpty, "seek: .latest still returned \(nothing.map(\.offset))")
        try await producer.send(OutgoingMessage(topic: topic, key: nil, value: Array("after".utf8), partition: 0))
        try await producer.close()
        got = try await receive(1, from: consumer, settings)
        try expect(got.first?.offset == 10 && got.first?.value == Array("after".utf8), "seek: after .latest read \(got.map(\.offset))")
        try await consumer.close()
    }

    /// Two members split the partitions, each reads only its own, nothing twice; when one
    /// leaves, the other takes over its partitions and resumes at their commits.
    public static func groupSplitsPartitions(_ make: Factory, _ settings: Settings = Settings()) async throws {
        let transport = try await make()
        let topic = uniqueName("split")
        let group = uniqueName("group")
        let partitions: Int32 = 4
        try await transport.createTopic(TopicSpec(name: topic, partitions: partitions))
        let all = Set((0..<partitions).map { TopicPartition(topic: topic, partition: $0) })
        let a = try await transport.makeConsumer(topics: [topic], membership: .group(group, start: .earliest))
        let b = try await transport.makeConsumer(topics: [topic], membership: .group(group, start: .earliest))

        // Both must keep polling while the group settles (Kafka rebalances inside poll).
        var received: [[ConsumedMessage]] = [[], []]
        let deadline = ContinuousClock.now + settings.timeout
        while true {
            received[0] += try await a.poll(maxMessages: 100, timeout: .milliseconds(100))
            received[1] += try await b.poll(maxMessages: 100, timeout: .milliseconds(100))
            let (ownedA, ownedB) = (await a.assignment(), await b.assignment())
            if !ownedA.isEmpty, !ownedB.isEmpty, ownedA.isDisjoint(with: ownedB), ownedA.union(ownedB) == all { break }
            guard ContinuousClock.now < deadline else {
                throw ConformanceFailure("groupSplitsPartitions: no split within \(settings.timeout): a owns \(ownedA.sorted()), b owns \(ownedB.sorted())")
            }
        }
        try expect(received[0].isEmpty && received[1].isEmpty, "groupSplitsPartitions: messages before any were sent")

        let count = 80
        try await produce(transport, topic: topic, count: count)
        let collectDeadline = ContinuousClock.now + settings.timeout
        while received[0].count + received[1].count < count && ContinuousClock.now < collectDeadline {
            for (index, consumer) in [a, b].enumerated() {
                let batch = try await consumer.poll(maxMessages: 100, timeout: .milliseconds(50))
                let owned = await consumer.assignment()
                for message in batch {
                    try expect(owned.contains(message.position), "groupSplitsPartitions: a member got \(message.position), which it does not own")
                }
                received[index] += batch
            }
        }
        let values = (received[0] + received[1]).map { String(decoding: $0.value, as: UTF8.self) }
        try expect(values.count == count && Set(values).count == count, "groupSplitsPartitions: \(values.count) messages (\(Set(values).count) distinct), expected \(count) once each")
        try expect(!received[0].isEmpty && !received[1].isEmpty, "groupSplitsPartitions: one member got nothing (\(received[0].count) / \(received[1].count))")

        // Both commit what they read; b leaves; a must take over b's partitions at b's commits.
        for (index, consumer) in [a, b].enumerated() {
            var next: [TopicPartition: Int64] = [:]
            for message in received[index] { next[message.position] = max(next[message.position] ?? 0, message.offset + 1) }
            try await consumer.commit(next)
        }
        try await b.close()
        try await produce(transport, topic: topic, count: count, startingAt: count)
        var later: [ConsumedMessage] = []
        let takeoverDeadline = ContinuousClock.now + settings.timeout
        while later.count < count && ContinuousClock.now < takeoverDeadline {
            later += try await a.poll(maxMessages: 100, timeout: .milliseconds(100))
        }
        let laterValues = later.map { String(decoding: $0.value, as: UTF8.self) }
        let expected = Set((count..<(2 * count)).map { "message-\($0)" })
        try expect(Set(laterValues) == expected && laterValues.count == count,
                   "groupSplitsPartitions: after b left, a got \(laterValues.count) messages (\(Set(laterValues).subtracting(expected).count) already committed ones among them), expected the \(count) new ones once each")
        let finalAssignment = await a.assignment()
        try expect(finalAssignment == all, "groupSplitsPartitions: a did not take over every partition")
        try await a.close()
    }

    /// resetOffsets moves a group's committed offsets to earliest, an offset, a timestamp or latest.
    public static func resetOffsets(_ make: Factory, _ settings: Settings = Settings()) async throws {
        let transport = try await make()
        let topic = uniqueName("reset")
        let group = uniqueName("group")
        try await transport.createTopic(TopicSpec(name: topic, partitions: 1))
        let base: Int64 = 1_700_000_000_000
        let producer = try await transport.makeProducer()
        for i in 0..<10 {
            try await producer.send(OutgoingMessage(topic: topic, key: nil, value: Array("r\(i)".utf8), timestamp: base + Int64(i) * 1000, partition: 0))
        }
        try await producer.close()
        let consumer = try await transport.makeConsumer(topics: [topic], membership: .group(group, start: .earliest))
        _ = try await receive(10, from: consumer, settings)
        try await consumer.commit([TopicPartition(topic: topic, partition: 0): 10])
        try await consumer.close()

        try await transport.resetOffsets(group: group, topic: topic, to: .earliest)
        let committed0 = try await transport.committedOffsets(group: group, topic: topic)
        try expect(committed0 == [0: 0], "resetOffsets: .earliest did not give 0")
        try await transport.resetOffsets(group: group, topic: topic, to: .offset(3))
        let committed3 = try await transport.committedOffsets(group: group, topic: topic)
        try expect(committed3 == [0: 3], "resetOffsets: .offset(3) did not give 3")
        try await transport.resetOffsets(group: group, topic: topic, to: .timestamp(base + 6000))
        let committed6 = try await transport.committedOffsets(group: group, topic: topic)
        try expect(committed6 == [0: 6], "resetOffsets: .timestamp did not give 6")
        try await transport.resetOffsets(group: group, topic: topic, to: .latest)
        let committed10 = try await transport.committedOffsets(group: group, topic: topic)
        try expect(committed10 == [0: 10], "resetOffsets: .latest did not give 10")
        try await transport.resetOffsets(group: group, topic: topic, to: .offset(8))

        let replay = try await transport.makeConsumer(topics: [topic], membership: .group(group, start: .earliest))
        let got = try await receive(2, from: replay, settings)
        try await replay.close()
        try expect(got.map(\.offset) == [8, 9], "resetOffsets: a member after reset to 8 read \(got.map(\.offset))")
        let groups = try await transport.listGroups()
        try expect(groups.contains(group), "resetOffsets: listGroups does not list \(group)")
    }

    /// Lag is what the group has not committed yet, over all partitions.
    public static func lag(_ make: Factory, _ settings: Settings = Settings()) async throws {
        let transport = try await make()
        let topic = uniqueName("lag")
        let group = uniqueName("group")
        try await transport.createTopic(TopicSpec(name: topic, partitions: 2))
        try await produce(transport, topic: topic, count: 30)
        let initial = try await transport.lag(group: group, topic: topic)
        try expect(initial == 30, "lag: a new group's lag is \(initial), expected 30")
        let description = try await transport.describeTopics().first { $0.name == topic }
        let highs = description?.partitions.reduce(0) { $0 + $1.high } ?? 0
        try expect(highs == 30, "lag: describeTopics high watermarks add up to \(highs), expected 30")

        let consumer = try await transport.makeConsumer(topics: [topic], membership: .group(group, start: .earliest))
        let got = try await receive(30, from: consumer, settings)
        var next: [TopicPartition: Int64] = [:]
        for message in got.prefix(20) { next[message.position] = max(next[message.position] ?? 0, message.offset + 1) }
        try await consumer.commit(next)
        try await consumer.close()
        let remaining = try await transport.lag(group: group, topic: topic)
        try expect(remaining == 10, "lag: after committing 20 of 30 the lag is \(remaining), expected 10")
    }

    /// Sending far more than a producer buffers suspends instead of failing, and loses nothing.
    public static func backpressureLosesNothing(_ make: Factory, _ settings: Settings = Settings()) async throws {
        let transport = try await make()
        let topic = uniqueName("backpressure")
        try await transport.createTopic(TopicSpec(name: topic, partitions: 2))
        let count = settings.backpressureMessages
        let padding = String(repeating: "x", count: 1000)
        let producer = try await transport.makeProducer()
        for i in 0..<count {
            try await producer.send(OutgoingMessage(topic: topic, key: "k\(i % 17)", value: Array("\(i) \(padding)".utf8)))
        }
        try await producer.close()
        let consumer = try await transport.makeConsumer(topics: [topic], membership: .standalone(start: .earliest))
        let got = try await receive(count, from: consumer, settings)
        try await consumer.close()
        let sequences = Set(got.map { Int(String(decoding: $0.value.prefix { $0 != 32 }, as: UTF8.self)) ?? -1 })
        try expect(got.count == count && sequences == Set(0..<count), "backpressure: \(got.count) received, \(sequences.count) distinct, expected \(count)")
    }

    /// `send(contentsOf:)` over two topics and many keys: everything arrives once, in order per key,
    /// also when one batch is larger than the producer's buffer (it waits for room part-way).
    public static func batchSendKeepsOrder(_ make: Factory, _ settings: Settings = Settings()) async throws {
        let transport = try await make()
        let topics = [uniqueName("batch-a"), uniqueName("batch-b")]
        for topic in topics { try await transport.createTopic(TopicSpec(name: topic, partitions: 3)) }
        let count = settings.backpressureMessages
        let padding = String(repeating: "y", count: 1000)
        let messages = (0..<count).map { i in
            OutgoingMessage(topic: topics[i % 2], key: "k\(i % 11)", value: Array("\(i) \(padding)".utf8))
        }
        let producer = try await transport.makeProducer()
        try await producer.send(contentsOf: Array(messages[0..<10]))
        try await producer.send(contentsOf: Array(messages[10...]))
        try await producer.close()
        let consumer = try await transport.makeConsumer(topics: topics, membership: .standalone(start: .earliest))
        let got = try await receive(count, from: consumer, settings)
        try await consumer.close()
        var lastPerKey: [String: Int] = [:]
        for message in got {
            let sequence = Int(String(decoding: message.value.prefix { $0 != 32 }, as: UTF8.self)) ?? -1
            try expect(message.topic == topics[sequence % 2], "batchSend: #\(sequence) on \(message.topic)")
            let key = "\(message.topic)/\(message.keyText ?? "")"
            try expect(sequence > lastPerKey[key, default: -1], "batchSend: \(key) got #\(sequence) after #\(lastPerKey[key, default: -1])")
            lastPerKey[key] = sequence
        }
        let sequences = Set(got.map { Int(String(decoding: $0.value.prefix { $0 != 32 }, as: UTF8.self)) ?? -1 })
        try expect(got.count == count && sequences == Set(0..<count), "batchSend: \(got.count) received, \(sequences.count) distinct, expected \(count)")
    }

    // MARK: Helpers

    /// Polls until `count` messages arrived or the timeout passed; then waits briefly for extras, which are an error.
    public static func receive(_ count: Int, from consumer: any MessageConsumer, _ settings: Settings) async throws -> [ConsumedMessage] {
        var received: [ConsumedMessage] = []
        let deadline = ContinuousClock.now + settings.timeout
        while received.count < count {
            let now = ContinuousClock.now
            guard now < deadline else {
                throw ConformanceFailure("received \(received.count) of \(count) messages within \(settings.timeout)")
            }
            received += try await consumer.poll(maxMessages: count - received.count, timeout: min(.milliseconds(500), deadline - now))
        }
        return received
    }

    public static func waitForAssignment(_ consumer: any MessageConsumer, contains partitions: Set<TopicPartition>, _ settings: Settings) async throws {
        let deadline = ContinuousClock.now + settings.timeout
        while !(await consumer.assignment()).isSuperset(of: partitions) {
            guard ContinuousClock.now < deadline else {
                throw ConformanceFailure("consumer was not assigned \(partitions.sorted()) within \(settings.timeout)")
            }
            _ = try await consumer.poll(maxMessages: 1, timeout: .milliseconds(100))
        }
    }

    /// Sends `message-<i>` with key `key-<i % 13>` for i in startingAt..<startingAt+count, and flushes.
    public static func produce(_ transport: any MessageTransport, topic: String, count: Int, startingAt: Int = 0) async throws {
        let producer = try await transport.makeProducer()
        for i in startingAt..<(startingAt + count) {
            try await producer.send(OutgoingMessage(topic: topic, key: "key-\(i % 13)", value: Array("message-\(i)".utf8)))
        }
        try await producer.close()
    }

    public static func uniqueName(_ prefix: String) -> String {
        "conformance-\(prefix)-\(UInt32.random(in: 0...UInt32.max))"
    }

    static func expect(_ condition: @autoclosure () throws -> Bool, _ message: @autoclosure () -> String) throws {
        guard try condition() else { throw ConformanceFailure(message()) }
    }
}

/// A conformance expectation that did not hold.
public struct ConformanceFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
