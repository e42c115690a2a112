import Foundation
import Synchronization
import Transport

/// EmbeddedLog is the default transport: a partitioned, append-only log of
/// message files under `--data`, crash-safe and shared by processes on one
/// machine. No server to install.
///
/// Layout under `directory`:
///
///     topics/<topic>/topic.json                 partitions, cleanup, retention, segment size
///     topics/<topic>/<partition>/append.lock    flock taken for each appended batch
///     topics/<topic>/<partition>/<base>.log     segments, named by their first offset
///     groups/<group>/members/<member>           flocked by each live member while it runs
///     groups/<group>/<topic>/<partition>.owner  flocked by the member that owns the partition
///     groups/<group>/<topic>/<partition>.offset committed offset (replaced atomically)
///
/// Record framing is in ``RecordFormat``; appends and crash recovery in
/// ``PartitionAppender``; reading a growing tail in ``PartitionReader``; group
/// membership in ``EmbeddedLogConsumer``.
public final class EmbeddedLogTransport: MessageTransport {
    public let directory: URL
    public let options: EmbeddedLogOptions
    let root: String
    private let tails = Mutex<[String: CachedTail]>([:])

    struct CachedTail {
        var base: Int64
        var validEnd: Int64
        var records: Int64
    }

    public convenience init(directory: URL) throws {
        try self.init(directory: directory, options: EmbeddedLogOptions())
    }

    public init(directory: URL, options: EmbeddedLogOptions) throws {
        self.directory = directory
        self.options = options
        root = directory.standardizedFileURL.path
        try FileSystem.makeDirectory("\(root)/topics")
        try FileSystem.makeDirectory("\(root)/groups")
    }

    func topicDirectory(_ topic: String) -> String { "\(root)/topics/\(topic)" }
    func partitionDirectory(_ topic: String, _ partition: Int32) -> String { "\(root)/topics/\(topic)/\(partition)" }
    func groupDirectory(_ group: String) -> String { "\(root)/groups/\(group)" }

    static func checkName(_ name: String, what: String) throws {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        guard !name.isEmpty, name.count <= 200, name != ".", name != "..", name.allSatisfy(allowed.contains) else {
            throw TransportError(.invalidArgument, "\(what) name '\(name)' is not valid: use letters, digits, '.', '_' and '-'")
        }
    }

    // MARK: Topics

    public func createTopic(_ spec: TopicSpec) async throws {
        try Self.checkName(spec.name, what: "topic")
        guard spec.partitions > 0 else {
            throw TransportError(.invalidArgument, "topic '\(spec.name)' needs at least one partition, got \(spec.partitions)")
        }
        if (try? settings(spec.name)) != nil { return }
        let directory = topicDirectory(spec.name)
        for partition in 0..<spec.partitions {
            try FileSystem.makeDirectory("\(directory)/\(partition)")
        }
        let settings = TopicSettings(spec: spec, segmentBytes: options.segmentBytes)
        try FileSystem.writeAtomically(Array(try JSONEncoder().encode(settings)), to: "\(directory)/topic.json")
    }

    /// A topic's stored settings, or `unknownTopic`.
    func settings(_ topic: String) throws -> TopicSettings {
        guard let bytes = FileSystem.read("\(topicDirectory(topic))/topic.json") else {
            throw TransportError(.unknownTopic, "topic '\(topic)' does not exist in \(root); create it with `touchstone topics create`")
        }
        do {
            return try JSONDecoder().decode(TopicSettings.self, from: Data(bytes))
        } catch {
            throw TransportError(.corrupt, "\(topicDirectory(topic))/topic.json is not a valid topic definition: \(error)")
        }
    }

    func topicNames() -> [String] {
        FileSystem.list("\(root)/topics").filter { FileSystem.exists("\(topicDirectory($0))/topic.json") }.sorted()
    }

    public func describeTopics() async throws -> [TopicDescription] {
        try topicNames().map { topic in
            let settings = try settings(topic)
            return TopicDescription(name: topic, partitions: try (0..<settings.partitions).map { try offsets(topic, $0) })
        }
    }

    /// The oldest kept and the next offset of a partition. The newest segment is
    /// scanned only past what an earlier call already counted.
    func offsets(_ topic: String, _ partition: Int32) throws -> PartitionOffsets {
        let directory = partitionDirectory(topic, partition)
        let bases = Segments.bases(in: directory)
        guard let low = bases.first, let newest = bases.last else {
            return PartitionOffsets(partition: partition, low: 0, high: 0)
        }
        let cacheKey = directory
        var tail = tails.withLock { $0[cacheKey] }
        if tail == nil || tail!.base != newest { tail = CachedTail(base: newest, validEnd: 0, records: 0) }
        if let file = try? PosixFile(path: Segments.path(directory, base: newest), readOnly: true) {
            let size = try file.size
            if size < tail!.validEnd { tail = CachedTail(base: newest, validEnd: 0, records: 0) }
            if size != tail!.validEnd {
                let scan = try SegmentScanner.scan(file, from: tail!.validEnd)
                tail!.validEnd = scan.validEnd
                tail!.records += scan.records
            }
        }
        let result = tail!
        tails.withLock { $0[cacheKey] = result }
        return PartitionOffsets(partition: partition, low: low, high: newest + result.records)
    }

    // MARK: Producers and consumers

    public func makeProducer() async throws -> any MessageProducer {
        EmbeddedLogProducer(transport: self)
    }

    public func makeConsumer(topics: [String], membership: ConsumerMembership) async throws -> any MessageConsumer {
        try await EmbeddedLogConsumer(transport: self, topics: topics, membership: membership)
    }

    // MARK: Groups

    func offsetPath(group: String, topic: String, partition: Int32) -> String {
        "\(groupDirectory(group))/\(topic)/\(partition).offset"
    }

    func readCommitted(group: String, topic: String, partition: Int32) -> Int64? {
        guard let bytes = FileSystem.read(offsetPath(group: group, topic: topic, partition: partition)) else { return nil }
        return Int64(String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    func writeCommitted(group: String, topic: String, partition: Int32, offset: Int64) throws {
        try FileSystem.makeDirectory("\(groupDirectory(group))/\(topic)")
        try FileSystem.writeAtomically(Array("\(offset)\n".utf8), to: offsetPath(group: group, topic: topic, partition: partition))
    }

    public func committedOffsets(group: String, topic: String) async throws -> [Int32: Int64] {
        try Self.checkName(group, what: "group")
        let settings = try settings(topic)
        var result: [Int32: Int64] = [:]
        for partition in 0..<settings.partitions {
            if let offset = readCommitted(group: group, topic: topic, partition: partition) { result[partition] = offset }
        }
        return result
    }

    public func resetOffsets(group: String, topic: String, to position: StartPosition) async throws {
        try Self.checkName(group, what: "group")
        let settings = try settings(topic)
        let live = GroupMembers.live(in: "\(groupDirectory(group))/members")
        guard live.isEmpty else {
            throw TransportError(.invalidArgument, "group '\(group)' has \(live.count) live member(s); stop them before resetting its offsets")
        }
        for partition in 0..<settings.partitions {
            let reader = PartitionReader(topic: topic, partition: partition, directory: partitionDirectory(topic, partition))
            try reader.seek(to: position)
            try writeCommitted(group: group, topic: topic, partition: partition, offset: reader.nextOffset)
        }
    }

    public func listGroups() async throws -> [String] {
        FileSystem.list("\(root)/groups").filter { !$0.hasPrefix(".") }.sorted()
    }
}

/// Tuning of the embedded log.
public struct EmbeddedLogOptions: Sendable {
    /// A partition starts a new segment file once the current one reaches this size.
    public var segmentBytes: Int64 = 64 << 20
    /// When true, `flush()` fsyncs the segments it wrote, so a flushed message
    /// survives a power loss; when false it survives a process crash only.
    public var syncOnFlush = true
    /// A producer writes a batch once this many bytes are waiting (or after `linger`).
    public var batchBytes = 1 << 20
    /// How long a partial batch may wait for more messages.
    public var linger: Duration = .milliseconds(5)
    /// `send` suspends while this many bytes are buffered or being written.
    public var bufferBytes = 16 << 20
    /// How often a group member looks for members that joined or died.
    public var membershipInterval: Duration = .milliseconds(200)

    public init() {}
}

/// What `topic.json` stores. Compaction: the embedded log does not compact.
/// A compacted topic keeps every record (its `retention` is ignored); readers
/// rebuild "latest value per key" by reading in order, which gives the same
/// result as reading a compacted log — compaction only saves space.
struct TopicSettings: Codable, Sendable {
    var name: String
    var partitions: Int32
    /// `delete` or `compact` (TopicSpec.Cleanup's raw value).
    var cleanupName: String
    var retentionMilliseconds: Int64?
    var retentionBytes: Int64?
    var segmentBytes: Int64

    init(spec: TopicSpec, segmentBytes: Int64) {
        name = spec.name
        partitions = spec.partitions
        cleanupName = spec.cleanup.rawValue
        retentionMilliseconds = spec.retentionMilliseconds
        retentionBytes = spec.retentionBytes
        self.segmentBytes = segmentBytes
    }

    enum CodingKeys: String, CodingKey {
        case name, partitions
        case cleanupName = "cleanup"
        case retentionMilliseconds = "retention_ms"
        case retentionBytes = "retention_bytes"
        case segmentBytes = "segment_bytes"
    }
}

extension TopicSettings {
    var cleanup: TopicSpec.Cleanup { TopicSpec.Cleanup(rawValue: cleanupName) ?? .delete }
}
