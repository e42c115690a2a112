import Foundation
@testable import KafkaTransport
import Testing
import TouchstoneTestKit
import Transport

let kcatPath = "/usr/bin/kcat"

/// Interoperability with another Kafka client, `kcat` (run with librdkafka 2.16
/// on its library path): what Touchstone produces kcat reads back identically,
/// and what kcat produces Touchstone reads, keys in the same partitions.
@Suite(.enabled(if: kafkaSkipReason == nil && FileManager.default.isExecutableFile(atPath: kcatPath),
                Comment(rawValue: kafkaSkipReason ?? "kcat is not installed (apt-get install kcat)")), .serialized)
struct KafkaInteropTests {
    @Test func kcatUsesTheNewLibrdkafka() throws {
        let version = try runProgram(kcatPath, ["-V"])
        #expect(String(decoding: version.stdout, as: UTF8.self).contains("librdkafka 2.16"))
    }

    @Test func kcatReadsWhatTouchstoneProduces() async throws {
        try await withKafka { kafka, broker in
            let topic = uniqueTopic("to-kcat")
            try await kafka.createTopic(TopicSpec(name: topic, partitions: 3))
            let producer = try await kafka.makeProducer()
            let sent = (0..<30).map { i in
                OutgoingMessage(topic: topic, key: Array("item-\(i)".utf8), value: Array("{\"id\":\(i),\"text\":\"Cartier ✓ \(i)\"}".utf8),
                                headers: [MessageHeader(name: "content-type", text: "application/json"), MessageHeader(name: "schema", text: "items/\(i % 2)")],
                                timestamp: 1_750_000_000_000 + Int64(i))
            }
            for message in sent { try await producer.send(message) }
            try await producer.close()

            let result = try runProgram(kcatPath, ["-b", broker.bootstrapServers, "-C", "-t", topic, "-o", "beginning", "-e", "-q", "-J"])
            #expect(result.status == 0, "kcat failed: \(result.stderr)")
            let lines = String(decoding: result.stdout, as: UTF8.self).split(separator: "\n")
            let records = try lines.map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
            #expect(records.count == sent.count)
            let byKey = Dictionary(uniqueKeysWithValues: records.map { ($0["key"] as? String ?? "", $0) })
            for message in sent {
                let key = String(decoding: message.key!, as: UTF8.self)
                let record = try #require(byKey[key], "kcat did not see \(key)")
                #expect(record["payload"] as? String == String(decoding: message.value, as: UTF8.self))
                #expect(record["headers"] as? [String] == message.headers.flatMap { [$0.name, $0.text] })
                #expect((record["ts"] as? NSNumber)?.int64Value == message.timestamp)
                #expect((record["partition"] as? NSNumber)?.int32Value == Murmur2Partitioner.partition(key: message.key!, partitions: 3))
            }
        }
    }

    @Test func touchstoneReadsWhatKcatProduces() async throws {
        try await withKafka { kafka, broker in
            let topic = uniqueTopic("from-kcat")
            try await kafka.createTopic(TopicSpec(name: topic, partitions: 4))
            let lines = (0..<40).map { "seller-\($0)|{\"n\":\($0),\"note\":\"né \($0)\"}" }
            let input = Data((lines.joined(separator: "\n") + "\n").utf8)
            let result = try runProgram(kcatPath, ["-b", broker.bootstrapServers, "-P", "-t", topic, "-K", "|", "-H", "origin=kcat",
                                                   "-X", "partitioner=murmur2_random"], stdin: input)
            #expect(result.status == 0, "kcat failed: \(result.stderr)")

            let consumer = try await kafka.makeConsumer(topics: [topic], membership: .group(uniqueTopic("reader"), start: .earliest))
            let received = try await drain(consumer, count: lines.count)
            try await consumer.close()
            #expect(received.count == lines.count)
            let expected = Dictionary(uniqueKeysWithValues: lines.map { line in
                let parts = line.split(separator: "|", maxSplits: 1)
                return (String(parts[0]), String(parts[1]))
            })
            for message in received {
                let key = try #require(message.keyText)
                #expect(String(decoding: message.value, as: UTF8.self) == expected[key])
                #expect(message.headers == [MessageHeader(name: "origin", text: "kcat")])
                #expect(message.partition == Murmur2Partitioner.partition(key: message.key!, partitions: 4))
            }
        }
    }
}
