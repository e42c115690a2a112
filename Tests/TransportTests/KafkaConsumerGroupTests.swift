import Foundation
@testable import KafkaTransport
import Testing
import TouchstoneTestKit
import Transport

/// Consumer groups on a real broker: members split the partitions, and when one
/// leaves (closed) or dies (dropped without leaving, found by session timeout)
/// the other takes its partitions over from the last commit: nothing committed
/// is read again and nothing is lost.
@Suite(.enabled(if: kafkaSkipReason == nil, Comment(rawValue: kafkaSkipReason ?? "")), .serialized)
struct KafkaConsumerGroupTests {
    enum Departure { case closed, killed }

    @Test(arguments: [Departure.closed, .killed])
    func twoMembersSplitPartitionsAndTheSurvivorTakesOver(_ departure: Departure) async throws {
        try await withKafka { kafka, _ in
            let topic = uniqueTopic("group")
            let group = uniqueTopic("members")
            let partitions: Int32 = 4
            try await kafka.createTopic(TopicSpec(name: topic, partitions: partitions))
            let producer = try await kafka.makeProducer()
            let firstRound = 400
            for i in 0..<firstRound { try await producer.send(OutgoingMessage(topic: topic, key: "key-\(i)", value: Array("\(i)".utf8))) }
            try await producer.flush()

            let a = try await kafka.makeKafkaConsumer(topics: [topic], membership: .group(group, start: .earliest))
            let b = try await kafka.makeKafkaConsumer(topics: [topic], membership: .group(group, start: .earliest))
            // Poll both until the group has settled with both members owning partitions.
            var readByA: [ConsumedMessage] = [], readByB: [ConsumedMessage] = []
            let clock = ContinuousClock()
            let settleBy = clock.now + .seconds(30)
            while clock.now < settleBy {
                async let fromA = a.poll(maxMessages: 500, timeout: .milliseconds(200))
                async let fromB = b.poll(maxMessages: 500, timeout: .milliseconds(200))
                readByA += try await fromA
                readByB += try await fromB
                let (ownedA, ownedB) = (await a.assignment(), await b.assignment())
                if !ownedA.isEmpty && !ownedB.isEmpty && ownedA.count + ownedB.count == Int(partitions) && readByA.count + readByB.count >= firstRound { break }
            }
            let ownedA = await a.assignment(), ownedB = await b.assignment()
            #expect(ownedA.isDisjoint(with: ownedB))
            #expect(ownedA.union(ownedB) == Set((0..<partitions).map { TopicPartition(topic: topic, partition: $0) }))
            #expect(!ownedA.isEmpty && !ownedB.isEmpty)

            // Before the split settles, a partition may be read by one member and then moved to the
            // other, which reads it again from the last commit (none yet): only owned partitions count.
            func nextOffsets(_ messages: [ConsumedMessage], owned: Set<TopicPartition>) -> [TopicPartition: Int64] {
                var next: [TopicPartition: Int64] = [:]
                for message in messages where owned.contains(message.position) { next[message.position] = max(next[message.position] ?? 0, message.offset + 1) }
                return next
            }
            // Both commit what they processed.
            try await a.commit(nextOffsets(readByA, owned: ownedA))
            try await b.commit(nextOffsets(readByB, owned: ownedB))
            let committed = try await kafka.committedOffsets(group: group, topic: topic)
            let processed = Set((readByA.filter { ownedA.contains($0.position) } + readByB.filter { ownedB.contains($0.position) }).map { "\($0.partition)/\($0.offset)" })
            #expect(committed.values.reduce(0, +) == Int64(firstRound))
            #expect(processed.count == firstRound)

            // A goes away; B must take over A's partitions, starting from A's commits.
            switch departure {
            case .closed: try await a.close()
            case .killed: await a.abandon()
            }
            let secondRound = 200
            for i in firstRound..<(firstRound + secondRound) { try await producer.send(OutgoingMessage(topic: topic, key: "key-\(i)", value: Array("\(i)".utf8))) }
            try await producer.flush()
            var afterTakeover: [ConsumedMessage] = []
            let takeoverBy = clock.now + .seconds(40)
            while clock.now < takeoverBy {
                afterTakeover += try await b.poll(maxMessages: 500, timeout: .milliseconds(200))
                let ownsAll = await b.assignment().count == Int(partitions)
                if ownsAll && afterTakeover.count >= secondRound { break }
            }
            #expect(await b.assignment().count == Int(partitions))
            // Exactly the new messages: nothing committed again, nothing lost.
            #expect(afterTakeover.count == secondRound)
            #expect(Set(afterTakeover.map { String(decoding: $0.value, as: UTF8.self) }) == Set((firstRound..<(firstRound + secondRound)).map(String.init)))
            try await b.commit(nextOffsets(afterTakeover, owned: await b.assignment()).merging(committed.reduce(into: [:]) { $0[TopicPartition(topic: topic, partition: $1.key)] = $1.value }) { max($0, $1) })
            #expect(try await kafka.lag(group: group, topic: topic) == 0)
            try await b.close()
            try await producer.close()
        }
    }

    @Test func commitsOfPartitionsNotOwnedAreIgnored() async throws {
        try await withKafka { kafka, _ in
            let topic = uniqueTopic("notowned")
            let group = uniqueTopic("g")
            try await kafka.createTopic(TopicSpec(name: topic, partitions: 1))
            let other = uniqueTopic("other")
            try await kafka.createTopic(TopicSpec(name: other, partitions: 1))
            let producer = try await kafka.makeProducer()
            try await producer.send(OutgoingMessage(topic: topic, key: nil, value: [1]))
            try await producer.close()
            let consumer = try await kafka.makeConsumer(topics: [topic], membership: .group(group, start: .earliest))
            let got = try await drain(consumer, count: 1)
            #expect(got.count == 1)
            try await consumer.commit([TopicPartition(topic: topic, partition: 0): 1, TopicPartition(topic: other, partition: 0): 7])
            #expect(try await kafka.committedOffsets(group: group, topic: topic) == [0: 1])
            #expect(try await kafka.committedOffsets(group: group, topic: other).isEmpty)
            try await consumer.close()
        }
    }
}
