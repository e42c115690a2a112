import CRDKafka
import Transport

/// KafkaTransport runs Touchstone's topics on any Apache Kafka compatible
/// cluster through librdkafka: an idempotent producer with delivery reports and
/// backpressure (``KafkaProducer``), consumer groups with manual commits and
/// cooperative rebalancing or standalone readers (``KafkaConsumer``), and admin
/// calls to create and describe topics and to read, reset and list group offsets.
/// librdkafka is driven through its event queues on dedicated threads; nothing
/// here blocks Swift's cooperative thread pool.
///
/// ```swift
/// let kafka = try KafkaMessageTransport(bootstrapServers: "127.0.0.1:9092")
/// try await kafka.createTopic(TopicSpec(name: "items", partitions: 4))
/// ```
public final class KafkaMessageTransport: MessageTransport {
    public let bootstrapServers: String
    public let config: [String: String]
    /// How long an admin request or offset look-up may take before it fails.
    public let operationTimeout: Duration

    let producerSettings: KafkaSettings
    let consumerSettings: KafkaSettings
    private let admin: KafkaHandle
    private let adminEvents: KafkaQueue
    private let adminThread = DedicatedThread(name: "kafka-admin")

    /// Groups the transport itself uses to look up offsets; not shown by ``listGroups()``.
    static let internalGroups: Set<String> = ["touchstone-offset-probe", "touchstone-standalone"]

    /// - Parameters:
    ///   - bootstrapServers: `host:port[,host:port...]`.
    ///   - config: extra librdkafka properties (`--kafka-config key=value`); they override Touchstone's defaults.
    public init(bootstrapServers: String, config: [String: String] = [:], operationTimeout: Duration = .seconds(30)) throws {
        self.bootstrapServers = bootstrapServers
        self.config = config
        self.operationTimeout = operationTimeout
        let base: [(String, String)] = [("bootstrap.servers", bootstrapServers), ("client.id", "touchstone")]
        producerSettings = KafkaSettings(base + [
            ("enable.idempotence", "true"),
            // The Java client's key partitioner, as Transport.Murmur2Partitioner.
            ("partitioner", "murmur2_random"),
            ("linger.ms", "5"),
        ], overrides: config)
        consumerSettings = KafkaSettings(base + [
            ("partition.assignment.strategy", "cooperative-sticky"),
            // Shorter than librdkafka's 45 s so that a crashed member's partitions move on within seconds.
            ("session.timeout.ms", "10000"),
            ("heartbeat.interval.ms", "1000"),
            // Answer within 100 ms at the end of a partition instead of librdkafka's 500 ms.
            ("fetch.wait.max.ms", "100"),
        ], overrides: config)
        admin = try KafkaSettings(base, overrides: config).makeHandle(.producer, events: 0)
        adminEvents = KafkaQueue(pointer: rd_kafka_queue_get_main(admin.pointer))
    }

    deinit {
        let admin = admin, adminEvents = adminEvents, thread = adminThread
        thread.submit {
            rd_kafka_queue_destroy(adminEvents.pointer)
            rd_kafka_destroy(admin.pointer)
        }
        thread.stopSoon()
    }

    private var timeoutMs: Int32 { operationTimeout.milliseconds }

    // MARK: Topics

    public func createTopic(_ spec: TopicSpec) async throws {
        guard spec.partitions > 0 else {
            throw TransportError(.invalidArgument, "topic '\(spec.name)' needs at least one partition, got \(spec.partitions)")
        }
        try await adminThread.run { [self] in
            var errorText = [CChar](repeating: 0, count: 512)
            guard let topic = rd_kafka_NewTopic_new(spec.name, spec.partitions, -1, &errorText, errorText.count) else {
                throw TransportError(.invalidArgument, "cannot create topic '\(spec.name)': \(cText(errorText))")
            }
            defer { rd_kafka_NewTopic_destroy(topic) }
            rd_kafka_NewTopic_set_config(topic, "cleanup.policy", spec.cleanup.rawValue)
            // nil means keep forever; Kafka's own default would delete after 7 days.
            rd_kafka_NewTopic_set_config(topic, "retention.ms", String(spec.retentionMilliseconds ?? -1))
            rd_kafka_NewTopic_set_config(topic, "retention.bytes", String(spec.retentionBytes ?? -1))
            let event = try adminRequest(RD_KAFKA_ADMIN_OP_CREATETOPICS, "creating topic '\(spec.name)'") { options, queue in
                var topics: [OpaquePointer?] = [topic]
                rd_kafka_CreateTopics(admin.pointer, &topics, 1, options, queue)
            }
            defer { rd_kafka_event_destroy(event) }
            var count = 0
            let results = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &count)
            for index in 0..<count {
                guard let result = results?[index] else { continue }
                let error = rd_kafka_topic_result_error(result)
                if error.isOK || error == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS { continue }
                let message = rd_kafka_topic_result_error_string(result).map { String(cString: $0) } ?? error.text
                throw TransportErrors.from(error, "creating topic '\(spec.name)' (\(message))", servers: bootstrapServers)
            }
        }
    }

    public func describeTopics() async throws -> [TopicDescription] {
        try await adminThread.run { [self] in
            let topics = try topicPartitionsOnAdmin()
            let partitions = topics.flatMap { name, ids in ids.map { TopicPartition(topic: name, partition: $0) } }
            let listed = try OffsetQueries.listedWatermarks(admin, partitions, timeoutMs: timeoutMs, servers: bootstrapServers)
            let highs = try OffsetQueries.exactHighWatermarks(listed, settings: consumerSettings, servers: bootstrapServers, timeoutMs: timeoutMs)
            return topics.keys.sorted().map { name in
                TopicDescription(name: name, partitions: topics[name]!.sorted().map { id in
                    let partition = TopicPartition(topic: name, partition: id)
                    let low = listed[partition]?.low ?? 0
                    return PartitionOffsets(partition: id, low: low, high: max(low, highs[partition] ?? low))
                })
            }
        }
    }

    // MARK: Clients

    public func makeProducer() async throws -> any MessageProducer {
        // Fail now, with the address, rather than at the first flush.
        _ = try await adminThread.run { [self] in try topicPartitionsOnAdmin() }
        return try KafkaProducer(servers: bootstrapServers, settings: producerSettings)
    }

    public func makeConsumer(topics: [String], membership: ConsumerMembership) async throws -> any MessageConsumer {
        try await makeKafkaConsumer(topics: topics, membership: membership)
    }

    func makeKafkaConsumer(topics: [String], membership: ConsumerMembership) async throws -> KafkaConsumer {
        guard !topics.isEmpty else { throw TransportError(.invalidArgument, "a consumer needs at least one topic") }
        let known = try await adminThread.run { [self] in try topicPartitionsOnAdmin() }
        let missing = topics.filter { known[$0] == nil }
        guard missing.isEmpty else {
            throw TransportError(.unknownTopic, "no topic \(missing.map { "'\($0)'" }.joined(separator: ", ")) on the Kafka broker \(bootstrapServers); create it with `touchstone topics create`")
        }
        let partitions = topics.flatMap { topic in known[topic]!.sorted().map { TopicPartition(topic: topic, partition: $0) } }
        return try await KafkaConsumer.make(servers: bootstrapServers, settings: consumerSettings, topics: topics, partitions: partitions, membership: membership, timeoutMs: timeoutMs)
    }

    // MARK: Group offsets

    public func committedOffsets(group: String, topic: String) async throws -> [Int32: Int64] {
        try await adminThread.run { [self] in
            var committed: [Int32: Int64] = [:]
            let request = rd_kafka_ListConsumerGroupOffsets_new(group, nil)
            defer { rd_kafka_ListConsumerGroupOffsets_destroy(request) }
            let event = try adminRequest(RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS, "reading the offsets of group '\(group)'") { options, queue in
                var requests: [OpaquePointer?] = [request]
                rd_kafka_ListConsumerGroupOffsets(admin.pointer, &requests, 1, options, queue)
            }
            defer { rd_kafka_event_destroy(event) }
            var count = 0
            let groups = rd_kafka_ListConsumerGroupOffsets_result_groups(rd_kafka_event_ListConsumerGroupOffsets_result(event), &count)
            for index in 0..<count {
                guard let result = groups?[index] else { continue }
                if let error = rd_kafka_group_result_error(result), rd_kafka_error_code(error) != RD_KAFKA_RESP_ERR_GROUP_ID_NOT_FOUND {
                    throw TransportErrors.from(rd_kafka_error_code(error), "reading the offsets of group '\(group)'", servers: bootstrapServers)
                }
                for element in elements(of: UnsafeMutablePointer(mutating: rd_kafka_group_result_partitions(result)))
                where element.offset >= 0 && String(cString: element.topic) == topic {
                    committed[element.partition] = element.offset
                }
            }
            return committed
        }
    }

    public func resetOffsets(group: String, topic: String, to position: StartPosition) async throws {
        try await adminThread.run { [self] in
            guard let ids = try topicPartitionsOnAdmin()[topic] else {
                throw TransportError(.unknownTopic, "cannot reset group '\(group)': no topic '\(topic)' on the Kafka broker \(bootstrapServers)")
            }
            let partitions = ids.sorted().map { TopicPartition(topic: topic, partition: $0) }
            let listed = try OffsetQueries.listedWatermarks(admin, partitions, timeoutMs: timeoutMs, servers: bootstrapServers)
            let highs = try OffsetQueries.exactHighWatermarks(listed, settings: consumerSettings, servers: bootstrapServers, timeoutMs: timeoutMs)
            var targets: [TopicPartition: Int64] = [:]
            switch position {
            case .earliest:
                targets = listed.mapValues(\.low)
            case .latest:
                targets = highs
            case let .offset(offset):
                for partition in partitions { targets[partition] = min(max(offset, listed[partition]!.low), highs[partition]!) }
            case let .timestamp(milliseconds):
                let candidates = try OffsetQueries.offsetsForTimes(admin, Dictionary(uniqueKeysWithValues: partitions.map { ($0, milliseconds) }), timeoutMs: timeoutMs, servers: bootstrapServers)
                let found = candidates.filter { $0.value >= 0 }
                targets = highs
                let exact = try OffsetQueries.exactOffsetsForTime(milliseconds, from: found, settings: consumerSettings, servers: bootstrapServers, timeoutMs: timeoutMs)
                targets.merge(exact) { $1 }
            }
            try alterGroupOffsets(group: group, targets)
        }
    }

    private func alterGroupOffsets(group: String, _ targets: [TopicPartition: Int64]) throws {
        let list = PartitionList(capacity: targets.count)
        for (partition, offset) in targets { list.add(partition, offset: offset) }
        let request = rd_kafka_AlterConsumerGroupOffsets_new(group, list.pointer)
        defer { rd_kafka_AlterConsumerGroupOffsets_destroy(request) }
        let event = try adminRequest(RD_KAFKA_ADMIN_OP_ALTERCONSUMERGROUPOFFSETS, "resetting the offsets of group '\(group)'") { options, queue in
            var requests: [OpaquePointer?] = [request]
            rd_kafka_AlterConsumerGroupOffsets(admin.pointer, &requests, 1, options, queue)
        }
        defer { rd_kafka_event_destroy(event) }
        var count = 0
        let groups = rd_kafka_AlterConsumerGroupOffsets_result_groups(rd_kafka_event_AlterConsumerGroupOffsets_result(event), &count)
        for index in 0..<count {
            guard let result = groups?[index] else { continue }
            var failures: [rd_kafka_resp_err_t] = []
            if let error = rd_kafka_group_result_error(result) { failures.append(rd_kafka_error_code(error)) }
            for element in elements(of: UnsafeMutablePointer(mutating: rd_kafka_group_result_partitions(result))) where !element.err.isOK {
                failures.append(element.err)
            }
            guard let failure = failures.first else { continue }
            switch failure {
            case RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID, RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS, RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION,
                 RD_KAFKA_RESP_ERR_GROUP_SUBSCRIBED_TO_TOPIC:
                throw TransportError(.invalidArgument, "cannot reset group '\(group)' while it has live members; stop its consumers (or wait until their session times out) and retry")
            default:
                throw TransportErrors.from(failure, "resetting the offsets of group '\(group)'", servers: bootstrapServers)
            }
        }
    }

    public func listGroups() async throws -> [String] {
        try await adminThread.run { [self] in
            let event = try adminRequest(RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPS, "listing consumer groups") { options, queue in
                rd_kafka_ListConsumerGroups(admin.pointer, options, queue)
            }
            defer { rd_kafka_event_destroy(event) }
            var count = 0
            let listings = rd_kafka_ListConsumerGroups_result_valid(rd_kafka_event_ListConsumerGroups_result(event), &count)
            var names: [String] = []
            for index in 0..<count {
                guard let listing = listings?[index], let id = rd_kafka_ConsumerGroupListing_group_id(listing) else { continue }
                let name = String(cString: id)
                if !Self.internalGroups.contains(name) { names.append(name) }
            }
            return names.sorted()
        }
    }

    // MARK: Admin plumbing (admin thread only)

    /// Every topic and its partition ids, without Kafka's internal `__` topics.
    private func topicPartitionsOnAdmin() throws -> [String: [Int32]] {
        let deadline = monotonicMilliseconds() + Int64(timeoutMs)
        while true {
            var metadata: UnsafePointer<rd_kafka_metadata>?
            let error = rd_kafka_metadata(admin.pointer, 1, nil, &metadata, Int32(min(1000, max(1, deadline - monotonicMilliseconds()))))
            if error.isOK, let metadata {
                defer { rd_kafka_metadata_destroy(metadata) }
                var topics: [String: [Int32]] = [:]
                for topic in UnsafeBufferPointer(start: metadata.pointee.topics, count: Int(metadata.pointee.topic_cnt)) {
                    let name = String(cString: topic.topic)
                    guard !name.hasPrefix("__"), topic.err.isOK else { continue }
                    topics[name] = UnsafeBufferPointer(start: topic.partitions, count: Int(topic.partition_cnt)).map(\.id)
                }
                return topics
            }
            let trouble = drainBrokerTrouble(adminEvents)
            if trouble.allBrokersDown || monotonicMilliseconds() >= deadline {
                throw TransportErrors.from(error.isOK ? RD_KAFKA_RESP_ERR__TIMED_OUT : error, "reading topic metadata", servers: bootstrapServers, lastBrokerError: trouble.detail ?? (trouble.allBrokersDown ? "no broker answers" : nil))
            }
        }
    }

    /// Starts an admin request and waits for its result event, failing early when no broker answers.
    private func adminRequest(_ operation: rd_kafka_admin_op_t, _ doing: String, _ start: (OpaquePointer, OpaquePointer) -> Void) throws -> OpaquePointer {
        let queue = rd_kafka_queue_new(admin.pointer)!
        defer { rd_kafka_queue_destroy(queue) }
        let options = rd_kafka_AdminOptions_new(admin.pointer, operation)!
        defer { rd_kafka_AdminOptions_destroy(options) }
        var errorText = [CChar](repeating: 0, count: 256)
        _ = rd_kafka_AdminOptions_set_request_timeout(options, timeoutMs, &errorText, errorText.count)
        if operation == RD_KAFKA_ADMIN_OP_CREATETOPICS {
            _ = rd_kafka_AdminOptions_set_operation_timeout(options, timeoutMs, &errorText, errorText.count)
        }
        start(options, queue)
        let deadline = monotonicMilliseconds() + Int64(timeoutMs) + 1000
        while true {
            if let event = rd_kafka_queue_poll(queue, 250) {
                let error = rd_kafka_event_error(event)
                guard error.isOK else {
                    let text = rd_kafka_event_error_string(event).map { String(cString: $0) }
                    rd_kafka_event_destroy(event)
                    throw TransportErrors.from(error, "\(doing)\(text.map { " (\($0))" } ?? "")", servers: bootstrapServers, lastBrokerError: drainBrokerTrouble(adminEvents).detail)
                }
                return event
            }
            let trouble = drainBrokerTrouble(adminEvents)
            if trouble.allBrokersDown {
                throw TransportErrors.unreachable(bootstrapServers, detail: trouble.detail ?? "no broker answers")
            }
            if monotonicMilliseconds() > deadline {
                throw TransportErrors.from(RD_KAFKA_RESP_ERR__TIMED_OUT, doing, servers: bootstrapServers, lastBrokerError: trouble.detail)
            }
        }
    }
}

extension KafkaMessageTransport {
    /// The librdkafka loaded at run time, e.g. "2.16.0" (the headers may be older).
    public static var librdkafkaVersion: String { String(cString: rd_kafka_version_str()) }
}
