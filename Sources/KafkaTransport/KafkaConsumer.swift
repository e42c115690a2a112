import CRDKafka
import Foundation
import Synchronization
import Transport

/// A librdkafka consumer, either a consumer-group member (subscribe, manual
/// commits) or a standalone reader of every partition (assign, no commits).
///
/// All librdkafka calls run on one dedicated thread, in the order the caller
/// makes them, Java-consumer style: `poll` waits on the consumer's event queue
/// there (blocking for the first event, then draining what is ready without
/// waiting, up to `maxMessages`), and rebalance events are handled in that same
/// loop. So a batch never holds a message of a partition revoked before it was
/// returned, and commits and seeks see the same ownership as polls.
///
/// Rebalances: `cooperative-sticky` by default (incremental assign/unassign; a
/// member keeps its other partitions while one moves). On assignment each new
/// partition starts at its committed offset or, when the group has none, at the
/// membership's start position. On revocation nothing is left to commit
/// (commits are synchronous), so the partition is simply forgotten; later
/// commits for it are ignored.
final class KafkaConsumer: MessageConsumer, @unchecked Sendable {
    private let handle: KafkaHandle
    private let queue: KafkaQueue
    private let worker: DedicatedThread
    private let servers: String
    private let settings: KafkaSettings
    private let group: String?
    private let start: StartPosition
    private let timeoutMs: Int32
    private let owned = Mutex(Set<TopicPartition>())
    private let closed = Atomic<Bool>(false)

    // Confined to `worker`.
    /// Partitions sought to a timestamp: records before the first one at or after it are dropped
    /// (brokers may answer offset-for-timestamp with the start of a batch; see OffsetQueries).
    private var timestampFloors: [TopicPartition: Int64] = [:]
    private var topicNames: [OpaquePointer: String] = [:]
    private var cooperative = false

    private init(handle: KafkaHandle, worker: DedicatedThread, servers: String, settings: KafkaSettings, group: String?, start: StartPosition, timeoutMs: Int32) {
        self.handle = handle
        self.worker = worker
        self.servers = servers
        self.settings = settings
        self.group = group
        self.start = start
        self.timeoutMs = timeoutMs
        rd_kafka_poll_set_consumer(handle.pointer)
        queue = KafkaQueue(pointer: rd_kafka_queue_get_consumer(handle.pointer)!)
    }

    /// Creates the consumer and subscribes (group) or assigns every partition (standalone).
    /// `partitions` are the partitions of `topics`, looked up by the caller.
    static func make(servers: String, settings: KafkaSettings, topics: [String], partitions: [TopicPartition], membership: ConsumerMembership, timeoutMs: Int32) async throws -> KafkaConsumer {
        let worker = DedicatedThread(name: "kafka-consumer")
        do {
            return try await worker.run {
                let group: String?
                let start: StartPosition
                switch membership {
                case let .group(name, position): (group, start) = (name, position)
                case let .standalone(position): (group, start) = (nil, position)
                }
                // Touchstone's consumer defaults go first so that --kafka-config can change them,
                // except the group and manual commits, which this type relies on.
                var consumerSettings = settings
                consumerSettings.entries.insert(contentsOf: [
                    // Used only when looking up a committed offset fails during a rebalance.
                    ("auto.offset.reset", start == .latest ? "latest" : "earliest"),
                ], at: 0)
                consumerSettings.entries += [
                    ("group.id", group ?? "touchstone-standalone"),
                    ("enable.auto.commit", "false"),
                    ("enable.auto.offset.store", "false"),
                ]
                let handle = try consumerSettings.makeHandle(.consumer, events: Int32(RD_KAFKA_EVENT_FETCH) | Int32(RD_KAFKA_EVENT_REBALANCE))
                let consumer = KafkaConsumer(handle: handle, worker: worker, servers: servers, settings: settings, group: group, start: start, timeoutMs: timeoutMs)
                do {
                    if group != nil {
                        let list = PartitionList(capacity: topics.count)
                        for topic in topics { list.add(TopicPartition(topic: topic, partition: Int32(RD_KAFKA_PARTITION_UA))) }
                        if let error = rd_kafka_subscribe(handle.pointer, list.pointer).nonOK {
                            throw TransportErrors.from(error, "joining group '\(group!)'", servers: servers)
                        }
                    } else {
                        let offsets = try consumer.startOffsets(for: partitions)
                        let list = PartitionList(capacity: partitions.count)
                        for partition in partitions { list.add(partition, offset: offsets[partition]!) }
                        if let error = rd_kafka_assign(handle.pointer, list.pointer).nonOK {
                            throw TransportErrors.from(error, "reading \(topics.joined(separator: ", "))", servers: servers)
                        }
                        consumer.owned.withLock { $0 = Set(partitions) }
                    }
                } catch {
                    consumer.destroy(leaveGroup: false)
                    throw error
                }
                return consumer
            }
        } catch {
            worker.stopSoon()
            throw error
        }
    }

    // MARK: Polling

    func poll(maxMessages: Int, timeout: Duration) async throws -> [ConsumedMessage] {
        guard !closed.load(ordering: .acquiring) else { throw TransportErrors.closed("the Kafka consumer") }
        let limit = max(1, maxMessages)
        let waitMs = timeout.milliseconds
        return try await worker.run { [self] in try pollOnWorker(limit: limit, waitMs: waitMs) }
    }

    private func pollOnWorker(limit: Int, waitMs: Int32) throws -> [ConsumedMessage] {
        var batch: [ConsumedMessage] = []
        batch.reserveCapacity(min(limit, 4096))
        let deadline = monotonicMilliseconds() + Int64(waitMs)
        while batch.count < limit {
            // Wait only while the batch is empty; afterwards take what is ready.
            let wait = batch.isEmpty ? Int32(clamping: max(0, deadline - monotonicMilliseconds())) : 0
            guard let event = rd_kafka_queue_poll(queue.pointer, wait) else {
                if batch.isEmpty && monotonicMilliseconds() < deadline { continue }
                break
            }
            defer { rd_kafka_event_destroy(event) }
            switch Int32(rd_kafka_event_type(event)) {
            case Int32(RD_KAFKA_EVENT_FETCH):
                while let message = rd_kafka_event_message_next(event) {
                    if message.pointee.err.isOK {
                        if let consumed = convert(message) { batch.append(consumed) }
                    } else {
                        try handleConsumerError(message.pointee.err, text: errorText(message))
                    }
                }
            case Int32(RD_KAFKA_EVENT_REBALANCE):
                let revoked = try handleRebalance(event)
                if !revoked.isEmpty { batch.removeAll { revoked.contains($0.position) } }
            case Int32(RD_KAFKA_EVENT_ERROR):
                if rd_kafka_event_error_is_fatal(event) != 0 {
                    let text = rd_kafka_event_error_string(event).map { String(cString: $0) } ?? "fatal error"
                    throw TransportError(.broker, "the Kafka consumer failed for good: \(text)")
                }
                let text = rd_kafka_event_error_string(event).map { String(cString: $0) }
                try handleConsumerError(rd_kafka_event_error(event), text: text)
            default:
                break
            }
        }
        return batch
    }

    private func handleConsumerError(_ error: rd_kafka_resp_err_t, text: String?) throws {
        switch error {
        case RD_KAFKA_RESP_ERR__PARTITION_EOF, RD_KAFKA_RESP_ERR__TRANSPORT, RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN,
             RD_KAFKA_RESP_ERR__RESOLVE, RD_KAFKA_RESP_ERR__TIMED_OUT, RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
            // Transient: librdkafka reconnects and retries by itself.
            return
        case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
            throw TransportError(.unknownTopic, "a subscribed topic disappeared from \(servers): \(text ?? error.text)")
        default:
            throw TransportErrors.from(error, "consuming", servers: servers, lastBrokerError: text)
        }
    }

    private func errorText(_ message: UnsafePointer<rd_kafka_message_t>) -> String? {
        guard let payload = message.pointee.payload, message.pointee.len > 0 else { return nil }
        return String(decoding: UnsafeRawBufferPointer(start: payload, count: message.pointee.len), as: UTF8.self)
    }

    private func convert(_ message: UnsafePointer<rd_kafka_message_t>) -> ConsumedMessage? {
        let m = message.pointee
        guard let rkt = m.rkt else { return nil }
        let topic: String
        if let known = topicNames[rkt] {
            topic = known
        } else {
            topic = String(cString: rd_kafka_topic_name(rkt))
            topicNames[rkt] = topic
        }
        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let timestamp = rd_kafka_message_timestamp(message, &timestampType)
        if !timestampFloors.isEmpty {
            let position = TopicPartition(topic: topic, partition: m.partition)
            if let floor = timestampFloors[position] {
                if timestamp < floor { return nil }
                timestampFloors[position] = nil
            }
        }
        let key: [UInt8]? = m.key.map { Array(UnsafeRawBufferPointer(start: $0, count: m.key_len)) }
        let value: [UInt8] = m.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: m.len)) } ?? []
        var headers: [MessageHeader] = []
        var headerList: OpaquePointer?
        if rd_kafka_message_headers(message, &headerList).isOK, let headerList {
            var index = 0
            var name: UnsafePointer<CChar>?
            var bytes: UnsafeRawPointer?
            var size = 0
            while rd_kafka_header_get_all(headerList, index, &name, &bytes, &size).isOK {
                let headerValue = bytes.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) } ?? []
                headers.append(MessageHeader(name: name.map { String(cString: $0) } ?? "", value: headerValue))
                index += 1
            }
        }
        return ConsumedMessage(topic: topic, partition: m.partition, offset: m.offset, key: key, value: value, headers: headers, timestamp: max(0, timestamp))
    }

    // MARK: Rebalancing

    /// Applies a rebalance event; returns the partitions taken away.
    private func handleRebalance(_ event: OpaquePointer) throws -> Set<TopicPartition> {
        let code = rd_kafka_event_error(event)
        let list = rd_kafka_event_topic_partition_list(event)!
        let partitions = elements(of: list).map(\.topicPartition)
        cooperative = String(cString: rd_kafka_rebalance_protocol(handle.pointer)) == "COOPERATIVE"
        switch code {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            // Start each new partition at its committed offset, or at the start position.
            let committed = PartitionList(copying: list)
            let lookup = rd_kafka_committed(handle.pointer, committed.pointer, timeoutMs)
            var missing: [TopicPartition] = []
            for element in committed.elements where !lookup.isOK || element.offset < 0 { missing.append(element.topicPartition) }
            let starts = try? startOffsets(for: missing)
            for index in committed.elements.indices {
                let partition = committed.elements[index].topicPartition
                if let offset = starts?[partition] {
                    committed.elements[index].offset = offset
                } else if !lookup.isOK || committed.elements[index].offset < 0 {
                    committed.elements[index].offset = Int64(RD_KAFKA_OFFSET_INVALID)
                }
            }
            if cooperative {
                if let error = rd_kafka_incremental_assign(handle.pointer, committed.pointer).consumedErrorCode {
                    throw TransportErrors.from(error, "taking partitions \(partitions)", servers: servers)
                }
                owned.withLock { $0.formUnion(partitions) }
            } else {
                if let error = rd_kafka_assign(handle.pointer, committed.pointer).nonOK {
                    throw TransportErrors.from(error, "taking partitions \(partitions)", servers: servers)
                }
                owned.withLock { $0 = Set(partitions) }
            }
            return []
        default:
            // Revoked (or lost): forget the partitions. Commits are synchronous, so
            // everything the caller committed is already durable.
            let revoked: Set<TopicPartition>
            if cooperative {
                _ = rd_kafka_incremental_unassign(handle.pointer, list).consumedErrorCode
                revoked = Set(partitions)
                owned.withLock { $0.subtract(revoked) }
            } else {
                _ = rd_kafka_assign(handle.pointer, nil)
                revoked = owned.withLock { owned in
                    defer { owned.removeAll() }
                    return owned.union(partitions)
                }
            }
            for partition in revoked { timestampFloors[partition] = nil }
            return revoked
        }
    }

    /// Where partitions without a committed offset begin, per the start position.
    private func startOffsets(for partitions: [TopicPartition]) throws -> [TopicPartition: Int64] {
        guard !partitions.isEmpty else { return [:] }
        return try offsets(for: partitions, at: start)
    }

    private func offsets(for partitions: [TopicPartition], at position: StartPosition) throws -> [TopicPartition: Int64] {
        switch position {
        case .earliest:
            return Dictionary(uniqueKeysWithValues: partitions.map { ($0, Int64(RD_KAFKA_OFFSET_BEGINNING)) })
        case .latest:
            let listed = try OffsetQueries.listedWatermarks(handle, partitions, timeoutMs: timeoutMs, servers: servers)
            return try OffsetQueries.exactHighWatermarks(listed, settings: settings, servers: servers, timeoutMs: timeoutMs)
        case let .offset(offset):
            return Dictionary(uniqueKeysWithValues: partitions.map { ($0, max(0, offset)) })
        case let .timestamp(milliseconds):
            var found = try OffsetQueries.offsetsForTimes(handle, Dictionary(uniqueKeysWithValues: partitions.map { ($0, milliseconds) }), timeoutMs: timeoutMs, servers: servers)
            let pastEnd = found.filter { $0.value < 0 }.map(\.key)
            if !pastEnd.isEmpty {
                let ends = try offsets(for: pastEnd, at: .latest)
                found.merge(ends) { $1 }
            }
            for partition in partitions where !pastEnd.contains(partition) { timestampFloors[partition] = milliseconds }
            return found
        }
    }

    // MARK: Commit, seek, assignment

    func commit(_ offsets: [TopicPartition: Int64]) async throws {
        guard group != nil, !offsets.isEmpty else { return }
        guard !closed.load(ordering: .acquiring) else { throw TransportErrors.closed("the Kafka consumer") }
        try await worker.run { [self] in
            let mine = owned.withLock { owned in offsets.filter { owned.contains($0.key) } }
            guard !mine.isEmpty else { return }
            let list = PartitionList(capacity: mine.count)
            for (partition, offset) in mine { list.add(partition, offset: offset) }
            let error = rd_kafka_commit(handle.pointer, list.pointer, 0)
            switch error {
            case RD_KAFKA_RESP_ERR_NO_ERROR, RD_KAFKA_RESP_ERR__NO_OFFSET:
                break
            case RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS, RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION, RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID,
                 RD_KAFKA_RESP_ERR_FENCED_INSTANCE_ID:
                // The partitions are moving to another member, which resumes from the last
                // successful commit: the uncommitted messages are delivered again (at least once).
                return
            default:
                throw TransportErrors.from(error, "committing offsets of group '\(group!)'", servers: servers)
            }
            for element in list.elements where !element.err.isOK {
                throw TransportErrors.from(element.err, "committing offset \(element.offset) of \(element.topicPartition) for group '\(group!)'", servers: servers)
            }
        }
    }

    func seek(_ partition: TopicPartition, to position: StartPosition) async throws {
        guard !closed.load(ordering: .acquiring) else { throw TransportErrors.closed("the Kafka consumer") }
        try await worker.run { [self] in
            guard owned.withLock({ $0.contains(partition) }) else {
                throw TransportError(.invalidArgument, "cannot seek \(partition): this consumer does not own it (it owns \(owned.withLock { $0.sorted() }.map(\.description).joined(separator: ", ")))")
            }
            timestampFloors[partition] = nil
            let target = try offsets(for: [partition], at: position)[partition]!
            let list = PartitionList(capacity: 1)
            list.add(partition, offset: target)
            guard let error = rd_kafka_seek_partitions(handle.pointer, list.pointer, timeoutMs) else {
                if let failed = list.elements.first(where: { !$0.err.isOK }) {
                    throw TransportErrors.from(failed.err, "seeking \(partition)", servers: servers)
                }
                return
            }
            let code = rd_kafka_error_code(error)
            rd_kafka_error_destroy(error)
            throw TransportErrors.from(code, "seeking \(partition)", servers: servers)
        }
    }

    func assignment() async -> Set<TopicPartition> {
        owned.withLock { $0 }
    }

    // MARK: Closing

    func close() async throws {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        _ = try? await worker.run { [self] in destroy(leaveGroup: true) }
        worker.stopSoon()
    }

    /// Drops the consumer without leaving the group, as a crashed process would:
    /// the group reassigns its partitions only after the session timeout.
    func abandon() async {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        _ = try? await worker.run { [self] in destroy(leaveGroup: false) }
        worker.stopSoon()
    }

    private func destroy(leaveGroup: Bool) {
        if leaveGroup {
            // Leave the group, serving the final revocation here (close_queue + events).
            let closeQueue = rd_kafka_queue_new(handle.pointer)!
            if rd_kafka_consumer_close_queue(handle.pointer, closeQueue).consumedErrorCode == nil {
                let deadline = monotonicMilliseconds() + Int64(timeoutMs)
                while rd_kafka_consumer_closed(handle.pointer) == 0 && monotonicMilliseconds() < deadline {
                    guard let event = rd_kafka_queue_poll(closeQueue, 100) else { continue }
                    if Int32(rd_kafka_event_type(event)) == Int32(RD_KAFKA_EVENT_REBALANCE) { _ = try? handleRebalance(event) }
                    rd_kafka_event_destroy(event)
                }
            }
            let closedCleanly = rd_kafka_consumer_closed(handle.pointer) != 0
            rd_kafka_queue_destroy(closeQueue)
            rd_kafka_queue_destroy(queue.pointer)
            // A leave that did not finish in time must not be retried by destroy, which
            // would wait for it with nobody serving the queue: the group then drops this
            // member after the session timeout, as after a crash.
            rd_kafka_destroy_flags(handle.pointer, closedCleanly ? 0 : Int32(RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE))
        } else {
            rd_kafka_queue_destroy(queue.pointer)
            rd_kafka_destroy_flags(handle.pointer, Int32(RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE))
        }
        owned.withLock { $0.removeAll() }
    }
}
