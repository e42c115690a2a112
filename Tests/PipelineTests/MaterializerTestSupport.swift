import Foundation
import Materializer
import TouchstoneCore
import Transport

/// Fixtures shared by the materializer and web tests: findings messages for a
/// small cross-platform case, and an in-process transport for single-process
/// tests of the consume loop (the multi-process crash test uses the embedded log).
enum MaterializerFixtures {
    static func temporaryDirectory(_ name: String = "materializer") -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("touchstone-\(name)-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func item(_ platform: String, _ id: String, kind: ItemKind, title: String? = nil, handle: String? = nil,
                     picture: String? = nil, profiles: [String] = ["aurelle"]) -> Item {
        var item = Item(platform: platform, itemID: id, kind: kind, url: url(platform, id),
                        account: handle.map { Account(handle: $0) }, title: title)
        item.raw = RawRef(topic: kind == .listing ? TopicName.rawListings : TopicName.rawPosts, partition: 0, offset: 7,
                          sha256: SHA256Hex.of(Array("\(platform):\(id)".utf8)), source: "demo/messages/\(platform)-demo.ndjson", line: 1,
                          capturedAt: "2026-11-28T10:00:00.000Z")
        if let picture {
            var p = Picture(url: "file:///tmp/\(picture)")
            p.sha256 = SHA256Hex.of(Array(picture.utf8))
            p.pdq = String(repeating: "ab", count: 32)
            p.quality = 100
            p.matches = [ReferenceMatch(brand: "aurelle", reference: "images/aurelle-lune.jpg", distance: 6, transform: "original")]
            item.pictures = [p]
        }
        item.profiles = profiles.map { ProfileVersion(brand: $0, version: "v1") }
        return item
    }

    static func url(_ platform: String, _ id: String) -> String {
        switch platform {
        case "amazon": "https://www.amazon.com/dp/\(id)"
        case "instagram": "https://www.instagram.com/p/\(id)/"
        default: "https://\(platform).example/\(id)"
        }
    }

    /// The seed case: an Instagram post and the generic Amazon listing it sells through.
    static func seedCase(cluster: String = "c-seed") -> [ItemFindings] {
        let post = item("instagram", "17895695668004550", kind: .post, title: nil, handle: "luxe.finds.daily", picture: "ig.jpg")
        let listing = item("amazon", "B0DMQX7Z41", kind: .listing, title: "Women's Moonphase Wrist Watch", handle: "A3QXTRADING77", picture: "amazon.jpg")
        let edges = [
            ClusterEdge(from: post.key, to: listing.key, signal: .linkInBio, detail: "bio website links /dp/B0DMQX7Z41", weight: 0.9),
            ClusterEdge(from: post.key, to: listing.key, signal: .sameImage, detail: "PDQ distance 4", weight: 0.8),
        ]
        return [
            ItemFindings(item: post, verdicts: [BrandVerdict(brand: "aurelle", severity: .high, score: 0.82, reasons: [
                Reason(signal: .imageMatch, detail: "PDQ distance 6 to images/aurelle-lune.jpg"),
                Reason(signal: .brandTerm, detail: "\"Aurelle\" in caption"),
            ])], clusterID: cluster, linked: [LinkedItem(platform: "amazon", itemID: "B0DMQX7Z41")], edges: edges),
            ItemFindings(item: listing, verdicts: [BrandVerdict(brand: "aurelle", severity: .high, score: 0.87, reasons: [
                Reason(signal: .imageMatch, detail: "PDQ distance 12 to post 17895695668004550 (instagram)"),
                Reason(signal: .priceUnderFloor, detail: "39.99 USD under floor 900 USD"),
            ])], clusterID: cluster, linked: [LinkedItem(platform: "instagram", itemID: "17895695668004550")], edges: edges),
        ]
    }

    static func clean(_ platform: String, _ id: String) -> ItemFindings {
        ItemFindings(item: item(platform, id, kind: .listing, title: "Water bottle"), verdicts: [])
    }

    static func findingsMessage(_ findings: ItemFindings, partition: Int32 = 0, offset: Int64) -> ConsumedMessage {
        ConsumedMessage(topic: TopicName.findings, partition: partition, offset: offset, key: Array(findings.item.key.utf8),
                        value: try! TopicJSON.encode(findings), headers: [], timestamp: 1_764_000_000_000 + offset)
    }

    static func decisionMessage(_ decision: Decision, partition: Int32 = 0, offset: Int64) -> ConsumedMessage {
        ConsumedMessage(topic: TopicName.decisions, partition: partition, offset: offset,
                        key: Array(DecisionTopic.key(brand: decision.brand, platform: decision.platform, itemID: decision.itemID).utf8),
                        value: try! TopicJSON.encode(decision), headers: [], timestamp: 1_764_000_000_000 + offset)
    }

    static func alertMessage(_ alert: Alert, offset: Int64) -> ConsumedMessage {
        ConsumedMessage(topic: TopicName.alerts, partition: 0, offset: offset, key: Array(alert.alertID.utf8),
                        value: try! TopicJSON.encode(alert), headers: [], timestamp: 1_764_000_000_000 + offset)
    }

    /// A synthetic findings stream: `count` items over a few platforms, grouped
    /// into clusters, some re-judged (replaced) and some retracted later.
    static func stream(count: Int, seed: UInt64) -> [ItemFindings] {
        var rng = SplitMix64(seed: seed)
        let platforms = ["instagram", "amazon", "ebay", "etsy", "tiktok", "x"]
        var out: [ItemFindings] = []
        for index in 0..<count {
            let platform = platforms[Int(rng.next() % UInt64(platforms.count))]
            // Re-judge an earlier item now and then, to exercise replacement and retraction.
            let id = index > 10 && rng.next() % 5 == 0 ? "id\(rng.next() % UInt64(index))" : "id\(index)"
            let cluster = rng.next() % 3 == 0 ? nil : "c-\(rng.next() % UInt64(max(1, count / 8)))"
            let severity = Severity.allCases[Int(rng.next() % 5)]
            let verdicts = severity == .none && rng.next() % 2 == 0 ? [] : [
                BrandVerdict(brand: "aurelle", severity: severity, score: Double(rng.next() % 1000) / 1000,
                             reasons: [Reason(signal: .brandTerm, detail: "term \(index)")]),
            ]
            let itemValue = item(platform, id, kind: index % 2 == 0 ? .post : .listing, title: "item \(index)",
                                 picture: index % 4 == 0 ? "p\(index).jpg" : nil)
            let edges = cluster.map { _ in [ClusterEdge(from: itemValue.key, to: "amazon:id\(index / 2)", signal: .linksTo, detail: "link \(index)", weight: 0.5)] } ?? []
            out.append(ItemFindings(item: itemValue, verdicts: verdicts, clusterID: cluster,
                                    linked: cluster == nil ? [] : [LinkedItem(platform: "amazon", itemID: "id\(index / 2)")], edges: edges))
        }
        return out
    }
}


/// An in-process transport: partitioned topics in memory, standalone consumers
/// only. Enough to test the materializer's loop and the web app's decisions
/// without the embedded log.
final class InMemoryTransport: MessageTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var topics: [String: [[ConsumedMessage]]] = [:]

    init(topics specs: [TopicSpec] = [
        TopicSpec(name: TopicName.findings, partitions: 3), TopicSpec(name: TopicName.alerts, partitions: 2),
        TopicSpec(name: TopicName.decisions, partitions: 2), TopicSpec(name: TopicName.deadLetters, partitions: 1),
    ]) {
        for spec in specs { topics[spec.name] = Array(repeating: [], count: Int(spec.partitions)) }
    }

    func createTopic(_ spec: TopicSpec) async throws {
        lock.withLock { if topics[spec.name] == nil { topics[spec.name] = Array(repeating: [], count: Int(spec.partitions)) } }
    }

    func describeTopics() async throws -> [TopicDescription] {
        lock.withLock {
            topics.map { name, partitions in
                TopicDescription(name: name, partitions: partitions.enumerated().map {
                    PartitionOffsets(partition: Int32($0.offset), low: 0, high: Int64($0.element.count))
                })
            }
        }
    }

    func append(_ message: OutgoingMessage) throws {
        try lock.withLock {
            guard let partitions = topics[message.topic] else { throw TransportError(.unknownTopic, "no topic \(message.topic)") }
            let partition = message.partition ?? message.key.map { Murmur2Partitioner.partition(key: $0, partitions: Int32(partitions.count)) } ?? 0
            let offset = Int64(partitions[Int(partition)].count)
            topics[message.topic]![Int(partition)].append(ConsumedMessage(
                topic: message.topic, partition: partition, offset: offset, key: message.key, value: message.value,
                headers: message.headers, timestamp: message.timestamp ?? 1_764_000_000_000 + offset))
        }
    }

    func messages(_ topic: String) -> [ConsumedMessage] {
        lock.withLock { (topics[topic] ?? []).flatMap { $0 } }
    }

    func read(_ position: TopicPartition, from offset: Int64, max: Int) -> [ConsumedMessage] {
        lock.withLock {
            guard let partition = topics[position.topic]?[Int(position.partition)], offset < partition.count else { return [] }
            return Array(partition[Int(offset)..<min(partition.count, Int(offset) + max)])
        }
    }

    func makeProducer() async throws -> any MessageProducer { Producer(transport: self) }

    func makeConsumer(topics names: [String], membership: ConsumerMembership) async throws -> any MessageConsumer {
        let partitions = try lock.withLock {
            try names.flatMap { name -> [TopicPartition] in
                guard let partitions = topics[name] else { throw TransportError(.unknownTopic, "no topic \(name)") }
                return partitions.indices.map { TopicPartition(topic: name, partition: Int32($0)) }
            }
        }
        return Consumer(transport: self, positions: Dictionary(uniqueKeysWithValues: partitions.map { ($0, Int64(0)) }))
    }

    func committedOffsets(group: String, topic: String) async throws -> [Int32: Int64] { [:] }
    func resetOffsets(group: String, topic: String, to position: StartPosition) async throws {}
    func listGroups() async throws -> [String] { [] }

    struct Producer: MessageProducer {
        let transport: InMemoryTransport
        func send(_ message: OutgoingMessage) async throws { try transport.append(message) }
        func flush() async throws {}
        func close() async throws {}
    }

    final class Consumer: MessageConsumer, @unchecked Sendable {
        let transport: InMemoryTransport
        private let lock = NSLock()
        private var positions: [TopicPartition: Int64]

        init(transport: InMemoryTransport, positions: [TopicPartition: Int64]) {
            self.transport = transport
            self.positions = positions
        }

        func poll(maxMessages: Int, timeout: Duration) async throws -> [ConsumedMessage] {
            let current = lock.withLock { positions }
            var batch: [ConsumedMessage] = []
            for (partition, offset) in current.sorted(by: { $0.key < $1.key }) where batch.count < maxMessages {
                let read = transport.read(partition, from: offset, max: maxMessages - batch.count)
                batch += read
                if let last = read.last { lock.withLock { positions[partition] = last.offset + 1 } }
            }
            if batch.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
            return batch
        }

        func commit(_ offsets: [TopicPartition: Int64]) async throws {}

        func seek(_ partition: TopicPartition, to position: StartPosition) async throws {
            lock.withLock {
                switch position {
                case .offset(let offset): positions[partition] = offset
                default: positions[partition] = 0
                }
            }
        }

        func assignment() async -> Set<TopicPartition> { lock.withLock { Set(positions.keys) } }
        func close() async throws {}
    }
}
