import Foundation
@testable import KafkaTransport
import Testing
import TouchstoneTestKit
import Transport

/// Producing and reading back through a real broker: fields, key placement,
/// start positions and seeks, backpressure and delivery failures.
@Suite(.enabled(if: kafkaSkipReason == nil, Comment(rawValue: kafkaSkipReason ?? "")), .serialized)
struct KafkaProducerConsumerTests {
    @Test func roundTripKeepsKeyValueHeadersAndTimestamp() async throws {
        try await withKafka { kafka, _ in
            let topic = uniqueTopic("roundtrip")
            try await kafka.createTopic(TopicSpec(name: topic, partitions: 3))
            let producer = try await kafka.makeProducer()
            let sent = (0..<50).map { i in
                OutgoingMessage(topic: topic, key: Array("key-\(i)".utf8), value: Array("{\"n\":\(i)}".utf8),
                                headers: [MessageHeader(name: "schema", text: "v1"), MessageHeader(name: "bin", value: [0, 255, UInt8(i)])],
                                timestamp: 1_700_000_000_000 + Int64(i))
            }
            for message in sent { try await producer.send(message) }
            try await producer.flush()
            try await producer.close()

            let consumer = try await kafka.makeConsumer(topics: [topic], membership: .standalone(start: .earliest))
            let received = try await drain(consumer, count: sent.count)
            try await consumer.close()
            #expect(received.count == sent.count)
            let byKey = Dictionary(uniqueKeysWithValues: received.map { ($0.keyText!, $0) })
            for message in sent {
                let got = try #require(byKey[String(decoding: message.key!, as: UTF8.self)])
                #expect(got.value == message.value)
                #expect(got.headers == message.headers)
                #expect(got.timestamp == message.timestamp)
                #expect(got.topic == topic)
            }
        }
    }

    @Test func keysLandWhereMurmur2PartitionerSays() async throws {
        try await withKafka { kafka, _ in
            let topic = uniqueTopic("murmur")
            let partitions: Int32 = 7
            try await kafka.createTopic(TopicSpec(name: topic, partitions: partitions))
            let producer = try await kafka.makeProducer()
            let keys = (0..<200).map { "brand-\($0)-\(UUID().uuidString.prefix(4))" }
            for key in keys { try await producer.send(OutgoingMessage(topic: topic, key: key, value: Array(key.utf8))) }
            try await producer.close()
            let consumer = try await kafka.makeConsumer(topics: [topic], membership: .standalone(start: .earliest))
            let received = try await drain(consumer, count: keys.count)
            try await consumer.close()
            #expect(received.count == keys.count)
            for message in received {
                #expect(message.partition == Murmur2Partitioner.partition(key: message.key!, partitions: partitions), "key \(message.keyText!)")
            }
            #expect(Set(received.map(\.partition)).count == Int(partitions))
        }
    }

    @Test func standaloneStartPositionsAndSeeks() async throws {
        try await withKafka { kafka, _ in
            let topic = uniqueTopic("seek")
            try await kafka.createTopic(TopicSpec(name: topic, partitions: 1))
            let producer = try await kafka.makeProducer()
            // Two batches so that the broker's batch boundaries do not line up with the answers.
            for i in 0..<10 { try await producer.send(OutgoingMessage(topic: topic, key: nil, value: [UInt8(i)], timestamp: 1_000 + Int64(i) * 10)) }
            try await producer.flush()
            for i in 10..<20 { try await producer.send(OutgoingMessage(topic: topic, key: nil, value: [UInt8(i)], timestamp: 1_000 + Int64(i) * 10)) }
            try await producer.flush()

            let fromLatest = try await kafka.makeConsumer(topics: [topic], membership: .standalone(start: .latest))
            #expect(try await fromLatest.poll(maxMessages: 100, timeout: .milliseconds(500)).isEmpty)
            try await producer.send(OutgoingMessage(topic: topic, key: nil, value: [20], timestamp: 2_000))
            try await producer.flush()
            let latest = try await drain(fromLatest, count: 1)
            #expect(latest.map(\.offset) == [20])

            let partition = TopicPartition(topic: topic, partition: 0)
            try await fromLatest.seek(partition, to: .offset(5))
            #expect(try await drain(fromLatest, count: 16).map(\.offset) == Array(5...20))
            try await fromLatest.seek(partition, to: .timestamp(1_125))
            #expect(try await drain(fromLatest, count: 8).map(\.offset) == Array(13...20))
            try await fromLatest.seek(partition, to: .earliest)
            #expect(try await drain(fromLatest, count: 21).map(\.offset) == Array(0...20))
            try await fromLatest.close()

            let fromTime = try await kafka.makeConsumer(topics: [topic], membership: .standalone(start: .timestamp(1_055)))
            #expect(try await drain(fromTime, count: 15).map(\.offset) == Array(6...20))
            try await fromTime.close()
            try await producer.close()
        }
    }

    @Test func sendWaitsForRoomInsteadOfFailingWhenTheQueueIsFull() async throws {
        // A 50-message producer queue: 5 000 sends must all succeed, suspending while it is full.
        try await withKafka(config: ["queue.buffering.max.messages": "50"]) { kafka, _ in
            let topic = uniqueTopic("backpressure")
            try await kafka.createTopic(TopicSpec(name: topic, partitions: 2))
            let producer = try await kafka.makeProducer()
            let count = 5_000
            for i in 0..<count { try await producer.send(OutgoingMessage(topic: topic, key: "k\(i % 10)", value: Array(repeating: 7, count: 100))) }
            try await producer.flush()
            try await producer.close()
            let description = try #require(try await kafka.describeTopics().first { $0.name == topic })
            #expect(description.partitions.reduce(0) { $0 + $1.high } == Int64(count))
        }
    }

    @Test func flushThrowsTheFirstDeliveryFailure() async throws {
        try await withKafka(config: ["message.timeout.ms": "1500"]) { kafka, broker in
            let topic = uniqueTopic("failure")
            try await kafka.createTopic(TopicSpec(name: topic, partitions: 1))
            let producer = try await kafka.makeProducer()
            // A partition the topic does not have is refused at send (once librdkafka knows the
            // topic's partitions) or reported by the next flush.
            let refused = await #expect(throws: TransportError.self) {
                try await producer.send(OutgoingMessage(topic: topic, key: nil, value: [2], partition: 5))
                try await producer.flush()
            }
            #expect(refused?.code == .unknownPartition)
            #expect(refused?.message.contains(topic) == true)
            try await producer.send(OutgoingMessage(topic: topic, key: nil, value: [1], partition: 0))
            try await producer.flush()
            // With the broker gone, delivery times out and flush reports it, naming the broker.
            broker.stop()
            try await producer.send(OutgoingMessage(topic: topic, key: nil, value: [3], partition: 0))
            let failed = await #expect(throws: TransportError.self) { try await producer.flush() }
            #expect(failed?.message.contains(broker.bootstrapServers) == true)
            // Reported once: the next flush has nothing left to report.
            try await producer.flush()
            try await producer.close()
        }
    }

    @Test func unreachableBrokerErrorNamesTheAddressAndTheOptions() async throws {
        let kafka = try KafkaMessageTransport(bootstrapServers: "127.0.0.1:9", operationTimeout: .seconds(5))
        let error = await #expect(throws: TransportError.self) { try await kafka.describeTopics() }
        #expect(error?.code == .broker || error?.code == .timeout)
        #expect(error?.message.contains("127.0.0.1:9") == true)
        #expect(error?.message.contains("--broker") == true)
        #expect(error?.message.contains("--kafka-config") == true)
    }

    @Test func badSettingIsRejectedWithItsName() {
        #expect(throws: TransportError.self) {
            _ = try KafkaMessageTransport(bootstrapServers: "127.0.0.1:9", config: ["no.such.setting": "1"])
        }
    }
}
