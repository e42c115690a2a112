/// Transport is the seam between the pipeline and where its messages live.
/// It defines what a producer, a consumer and the topic administration can do
/// (``MessageTransport``, ``MessageProducer``, ``MessageConsumer``), the
/// message types they carry, and the key-to-partition rule (``Murmur2Partitioner``)
/// that both implementations share so that a key lands in the same partition
/// on the embedded log, on Kafka and for Java clients. The two implementations
/// live in `EmbeddedLog` and `KafkaTransport`; nothing else knows which one runs.

/// A header on a message: a name and raw bytes.
public struct MessageHeader: Sendable, Hashable {
    public var name: String
    public var value: [UInt8]

    public init(name: String, value: [UInt8]) {
        self.name = name
        self.value = value
    }

    public init(name: String, text: String) {
        self.init(name: name, value: Array(text.utf8))
    }

    public var text: String { String(decoding: value, as: UTF8.self) }
}

/// A message to publish.
public struct OutgoingMessage: Sendable, Hashable {
    public var topic: String
    public var key: [UInt8]?
    public var value: [UInt8]
    public var headers: [MessageHeader]
    /// Milliseconds since the Unix epoch; nil means "now" at send time.
    public var timestamp: Int64?
    /// An explicit partition; nil means by key (murmur2), or spread when there is no key.
    public var partition: Int32?

    public init(topic: String, key: [UInt8]?, value: [UInt8], headers: [MessageHeader] = [], timestamp: Int64? = nil, partition: Int32? = nil) {
        self.topic = topic
        self.key = key
        self.value = value
        self.headers = headers
        self.timestamp = timestamp
        self.partition = partition
    }

    public init(topic: String, key: String?, value: [UInt8], headers: [MessageHeader] = [], timestamp: Int64? = nil) {
        self.init(topic: topic, key: key.map { Array($0.utf8) }, value: value, headers: headers, timestamp: timestamp)
    }
}

/// A message read from a topic partition.
public struct ConsumedMessage: Sendable, Hashable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    public var key: [UInt8]?
    public var value: [UInt8]
    public var headers: [MessageHeader]
    /// Milliseconds since the Unix epoch.
    public var timestamp: Int64

    public init(topic: String, partition: Int32, offset: Int64, key: [UInt8]?, value: [UInt8], headers: [MessageHeader], timestamp: Int64) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.headers = headers
        self.timestamp = timestamp
    }

    public func header(_ name: String) -> MessageHeader? { headers.first { $0.name == name } }

    public var keyText: String? { key.map { String(decoding: $0, as: UTF8.self) } }

    public var position: TopicPartition { TopicPartition(topic: topic, partition: partition) }
}

public struct TopicPartition: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var topic: String
    public var partition: Int32

    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    public static func < (lhs: TopicPartition, rhs: TopicPartition) -> Bool {
        (lhs.topic, lhs.partition) < (rhs.topic, rhs.partition)
    }

    public var description: String { "\(topic)[\(partition)]" }
}

/// Where a consumer starts in a partition.
public enum StartPosition: Sendable, Hashable {
    case earliest
    case latest
    /// The next offset to read.
    case offset(Int64)
    /// The first message whose timestamp is at or after this many milliseconds since the epoch.
    case timestamp(Int64)
}

/// What a topic is: its name, partitions and retention. Loaded from `topics/`.
public struct TopicSpec: Sendable, Hashable {
    public enum Cleanup: String, Sendable, Hashable { case delete, compact }

    public var name: String
    public var partitions: Int32
    public var cleanup: Cleanup
    /// Delete segments older than this; nil keeps them forever.
    public var retentionMilliseconds: Int64?
    /// Delete the oldest segments past this size per partition; nil means no limit.
    public var retentionBytes: Int64?

    public init(name: String, partitions: Int32, cleanup: Cleanup = .delete, retentionMilliseconds: Int64? = nil, retentionBytes: Int64? = nil) {
        self.name = name
        self.partitions = partitions
        self.cleanup = cleanup
        self.retentionMilliseconds = retentionMilliseconds
        self.retentionBytes = retentionBytes
    }
}

/// Offsets of one partition: the first still kept and the next to be written.
public struct PartitionOffsets: Sendable, Hashable {
    public var partition: Int32
    public var low: Int64
    public var high: Int64

    public init(partition: Int32, low: Int64, high: Int64) {
        self.partition = partition
        self.low = low
        self.high = high
    }
}

public struct TopicDescription: Sendable, Hashable {
    public var name: String
    public var partitions: [PartitionOffsets]

    public init(name: String, partitions: [PartitionOffsets]) {
        self.name = name
        self.partitions = partitions
    }
}

/// How a consumer joins its topics.
public enum ConsumerMembership: Sendable, Hashable {
    /// A member of a consumer group: the group splits the partitions among its
    /// live members, and commits record progress. `start` is where a partition
    /// with no committed offset begins.
    case group(String, start: StartPosition)
    /// Reads every partition, commits nothing (for `topics tail` without `--group`).
    case standalone(start: StartPosition)
}

/// Publishes messages. Sending suspends while the producer's buffer is full
/// (backpressure), it never throws "queue full".
public protocol MessageProducer: Sendable {
    /// Enqueues a message. Returns once it is accepted into the buffer.
    func send(_ message: OutgoingMessage) async throws
    /// Enqueues messages in order, as `send` would one by one, with less work per message.
    /// On a failure, the messages before the failing one are enqueued and the rest are not.
    func send(contentsOf messages: [OutgoingMessage]) async throws
    /// Returns once every message sent so far is delivered (durably appended
    /// or acknowledged by the broker), or throws the first delivery failure.
    func flush() async throws
    /// Flushes, then releases the producer.
    func close() async throws
}

extension MessageProducer {
    public func send(contentsOf messages: [OutgoingMessage]) async throws {
        for message in messages { try await send(message) }
    }
}

/// Reads messages. A group member's partitions may change between polls
/// (rebalance); a consumer only ever returns messages of partitions it owns.
public protocol MessageConsumer: Sendable {
    /// Returns up to `maxMessages` messages, waiting at most `timeout` for the first one.
    /// An empty array means nothing arrived in time.
    func poll(maxMessages: Int, timeout: Duration) async throws -> [ConsumedMessage]
    /// Records progress: for each partition, the next offset to read. Atomic and
    /// durable when it returns. Offsets of partitions the consumer no longer owns are ignored.
    func commit(_ offsets: [TopicPartition: Int64]) async throws
    /// Moves the read position of an owned partition.
    func seek(_ partition: TopicPartition, to position: StartPosition) async throws
    /// The partitions this consumer owns now.
    func assignment() async -> Set<TopicPartition>
    /// Leaves the group (its partitions go to the other members) and releases resources.
    func close() async throws
}

/// One way of storing topics: the embedded log or Kafka.
public protocol MessageTransport: Sendable {
    /// Creates the topic if it does not exist; an existing topic is left as it is.
    func createTopic(_ spec: TopicSpec) async throws
    /// Every topic with its partitions' offsets.
    func describeTopics() async throws -> [TopicDescription]
    func makeProducer() async throws -> any MessageProducer
    func makeConsumer(topics: [String], membership: ConsumerMembership) async throws -> any MessageConsumer
    /// The committed offsets (next offset to read) of a group on a topic, by partition.
    func committedOffsets(group: String, topic: String) async throws -> [Int32: Int64]
    /// Sets a group's committed offsets on a topic (for replay). The group must have no live members.
    func resetOffsets(group: String, topic: String, to position: StartPosition) async throws
    /// Groups known to the transport.
    func listGroups() async throws -> [String]
}

extension MessageTransport {
    /// Messages a group has yet to consume on a topic: high watermark minus committed offset, summed.
    public func lag(group: String, topic: String) async throws -> Int64 {
        guard let description = try await describeTopics().first(where: { $0.name == topic }) else { return 0 }
        let committed = try await committedOffsets(group: group, topic: topic)
        return description.partitions.reduce(0) { sum, p in
            sum + max(0, p.high - max(committed[p.partition] ?? p.low, p.low))
        }
    }
}

/// Errors every transport reports in the same words.
public struct TransportError: Error, CustomStringConvertible, Sendable {
    public enum Code: String, Sendable {
        case unknownTopic, unknownPartition, io, corrupt, broker, closed, invalidArgument, timeout
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
