import Foundation
@testable import KafkaTransport
import Testing
import TouchstoneTestKit
import Transport

/// Topic and group administration on a real broker.
@Suite(.enabled(if: kafkaSkipReason == nil, Comment(rawValue: kafkaSkipReason ?? "")), .serialized)
struct KafkaAdminTests {
    @Test func createTopicIsIdempotentAndDescribeShowsExactWatermarks() async throws {
        try await withKafka { kafka, _ in
            let topic = uniqueTopic("admin")
            let spec = TopicSpec(name: topic, partitions: 3, cleanup: .delete, retentionMilliseconds: 86_400_000, retentionBytes: 1 << 30)
            try await kafka.createTopic(spec)
            try await kafka.createTopic(spec)
            try await kafka.createTopic(TopicSpec(name: uniqueTopic("compacted"), partitions: 1, cleanup: .compact))
            var description = try #require(try await kafka.describeTopics().first { $0.name == topic })
            #expect(description.partitions.map(\.partition) == [0, 1, 2])
            #expect(description.partitions.allSatisfy { $0.low == 0 && $0.high == 0 })

            let producer = try await kafka.makeProducer()
            // Explicit partitions, in batches of several records each.
            for (partition, count) in [(0, 5), (1, 12), (2, 1)] {
                for i in 0..<count { try await producer.send(OutgoingMessage(topic: topic, key: nil, value: [UInt8(i)], partition: Int32(partition))) }
            }
            try await producer.close()
            description = try #require(try await kafka.describeTopics().first { $0.name == topic })
            #expect(description.partitions.map(\.high) == [5, 12, 1])
        }
    }

    @Test func committedOffsetsResetAndListGroups() async throws {
        try await withKafka { kafka, _ in
            let topic = uniqueTopic("reset")
            let group = uniqueTopic("replay")
            try await kafka.createTopic(TopicSpec(name: topic, partitions: 2))
            let producer = try await kafka.makeProducer()
            for i in 0..<10 {
                try await producer.send(OutgoingMessage(topic: topic, key: nil, value: [UInt8(i)], timestamp: 10_000 + Int64(i) * 100, partition: Int32(i % 2)))
            }
            try await producer.close()
            #expect(try await kafka.committedOffsets(group: group, topic: topic).isEmpty)

            let consumer = try await kafka.makeConsumer(topics: [topic], membership: .group(group, start: .earliest))
            let read = try await drain(consumer, count: 10)
            #expect(read.count == 10)
            try await consumer.commit([TopicPartition(topic: topic, partition: 0): 5, TopicPartition(topic: topic, partition: 1): 5])
            #expect(try await kafka.committedOffsets(group: group, topic: topic) == [0: 5, 1: 5])
            #expect(try await kafka.lag(group: group, topic: topic) == 0)
            #expect(try await kafka.listGroups().contains(group))
            try await consumer.close()

            try await kafka.resetOffsets(group: group, topic: topic, to: .earliest)
            #expect(try await kafka.committedOffsets(group: group, topic: topic) == [0: 0, 1: 0])
            #expect(try await kafka.lag(group: group, topic: topic) == 10)
            try await kafka.resetOffsets(group: group, topic: topic, to: .offset(3))
            #expect(try await kafka.committedOffsets(group: group, topic: topic) == [0: 3, 1: 3])
            // Timestamps 10 000 + 100 i: partition 0 holds even i, partition 1 odd i. At 10 450: i = 5 (p1 offset 2), i = 6 (p0 offset 3).
            try await kafka.resetOffsets(group: group, topic: topic, to: .timestamp(10_450))
            #expect(try await kafka.committedOffsets(group: group, topic: topic) == [0: 3, 1: 2])
            try await kafka.resetOffsets(group: group, topic: topic, to: .latest)
            #expect(try await kafka.committedOffsets(group: group, topic: topic) == [0: 5, 1: 5])

            // A new member resumes from the reset offsets.
            try await kafka.resetOffsets(group: group, topic: topic, to: .offset(4))
            let replay = try await kafka.makeConsumer(topics: [topic], membership: .group(group, start: .latest))
            let again = try await drain(replay, count: 2)
            #expect(Set(again.map(\.offset)) == [4])
            #expect(again.count == 2)
            try await replay.close()
        }
    }

    @Test func unknownTopicIsReportedByName() async throws {
        try await withKafka { kafka, _ in
            let error = await #expect(throws: TransportError.self) {
                try await kafka.makeConsumer(topics: ["no-such-topic"], membership: .standalone(start: .earliest))
            }
            #expect(error?.code == .unknownTopic)
            #expect(error?.message.contains("no-such-topic") == true)
        }
    }
}
