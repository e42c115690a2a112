import CRDKafka
import Transport

/// Synchronous offset look-ups; callers run them on a dedicated thread.
///
/// Some Kafka-protocol brokers answer ListOffsets coarsely: Tansu 0.6 reports
/// the latest offset as "base offset of the last record batch + 1" and
/// offset-for-timestamp as the base offset of the batch that holds it. Only
/// fetching tells the exact answer, so ``exactHighWatermarks`` reads from the
/// reported value to the end of each partition (one fetch on a correct broker)
/// and consumers drop records older than a timestamp seek target (see
/// `KafkaConsumer.timestampFloors`).
enum OffsetQueries {
    /// `[partition: (low, high)]` as ListOffsets reports them, in two batched requests.
    static func listedWatermarks(_ handle: KafkaHandle, _ partitions: [TopicPartition], timeoutMs: Int32, servers: String) throws -> [TopicPartition: (low: Int64, high: Int64)] {
        guard !partitions.isEmpty else { return [:] }
        let lows = try offsetsForTimes(handle, Dictionary(uniqueKeysWithValues: partitions.map { ($0, Int64(-2)) }), timeoutMs: timeoutMs, servers: servers)
        let highs = try offsetsForTimes(handle, Dictionary(uniqueKeysWithValues: partitions.map { ($0, Int64(-1)) }), timeoutMs: timeoutMs, servers: servers)
        var result: [TopicPartition: (low: Int64, high: Int64)] = [:]
        for partition in partitions {
            let low = max(0, lows[partition] ?? 0)
            result[partition] = (low, max(low, highs[partition] ?? low))
        }
        return result
    }

    /// The offset of the first record at or after each timestamp; -1 where there is none.
    /// Negative "timestamps" -1 / -2 ask for the latest / earliest offset.
    static func offsetsForTimes(_ handle: KafkaHandle, _ timestamps: [TopicPartition: Int64], timeoutMs: Int32, servers: String) throws -> [TopicPartition: Int64] {
        let list = PartitionList(capacity: timestamps.count)
        for (partition, timestamp) in timestamps { list.add(partition, offset: timestamp) }
        let error = rd_kafka_offsets_for_times(handle.pointer, list.pointer, timeoutMs)
        guard error.isOK else { throw TransportErrors.from(error, "looking up offsets", servers: servers) }
        var result: [TopicPartition: Int64] = [:]
        for element in list.elements {
            guard element.err.isOK else {
                throw TransportErrors.from(element.err, "looking up offsets of \(element.topicPartition)", servers: servers)
            }
            result[element.topicPartition] = element.offset
        }
        return result
    }

    /// The exact next offset to be written in each partition, found by fetching from
    /// the listed high watermark minus one to the end (see the type's comment).
    static func exactHighWatermarks(_ listed: [TopicPartition: (low: Int64, high: Int64)], settings: KafkaSettings, servers: String, timeoutMs: Int32) throws -> [TopicPartition: Int64] {
        var result = listed.mapValues(\.high)
        let toCheck = listed.filter { $0.value.high > $0.value.low }.mapValues { $0.high - 1 }
        let scanned = try scanForward(from: toCheck, settings: settings, servers: servers, timeoutMs: timeoutMs) { _ in false }
        for (partition, end) in scanned { result[partition] = max(result[partition] ?? 0, end) }
        return result
    }

    /// The exact offset of the first record at or after `timestamp` in each partition,
    /// reading forward from an offset known to be at or before it; the partition's end when there is none.
    static func exactOffsetsForTime(_ timestamp: Int64, from candidates: [TopicPartition: Int64], settings: KafkaSettings, servers: String, timeoutMs: Int32) throws -> [TopicPartition: Int64] {
        try scanForward(from: candidates, settings: settings, servers: servers, timeoutMs: timeoutMs) { $0 >= timestamp }
    }

    /// Reads each partition from its offset until a record's timestamp satisfies `stop`
    /// (returning that record's offset) or the end (returning the end offset).
    private static func scanForward(from offsets: [TopicPartition: Int64], settings: KafkaSettings, servers: String, timeoutMs: Int32, stop: (Int64) -> Bool) throws -> [TopicPartition: Int64] {
        guard !offsets.isEmpty else { return [:] }
        var probeSettings = settings
        probeSettings.entries += [("group.id", "touchstone-offset-probe"), ("enable.partition.eof", "true"), ("enable.auto.commit", "false"),
                                  ("auto.offset.reset", "latest"), ("fetch.wait.max.ms", "50")]
        let probe = try probeSettings.makeHandle(.consumer, events: Int32(RD_KAFKA_EVENT_FETCH))
        rd_kafka_poll_set_consumer(probe.pointer)
        let queue = rd_kafka_queue_get_consumer(probe.pointer)!
        defer {
            rd_kafka_queue_destroy(queue)
            rd_kafka_destroy_flags(probe.pointer, Int32(RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE))
        }
        let list = PartitionList(capacity: offsets.count)
        for (partition, offset) in offsets { list.add(partition, offset: max(0, offset)) }
        if let error = rd_kafka_assign(probe.pointer, list.pointer).nonOK {
            throw TransportErrors.from(error, "reading partition ends", servers: servers)
        }
        var result: [TopicPartition: Int64] = [:]
        var pending = Set(offsets.keys)
        let deadline = monotonicMilliseconds() + Int64(timeoutMs)
        func reachedEnd(_ partition: TopicPartition, at offset: Int64?) {
            guard pending.remove(partition) != nil else { return }
            var low: Int64 = 0, high: Int64 = -1
            _ = rd_kafka_get_watermark_offsets(probe.pointer, partition.topic, partition.partition, &low, &high)
            result[partition] = max(offset ?? 0, high, offsets[partition] ?? 0)
        }
        while !pending.isEmpty {
            let remaining = deadline - monotonicMilliseconds()
            guard remaining > 0 else {
                throw TransportError(.timeout, "reading the ends of \(pending.sorted().map(\.description).joined(separator: ", ")) at \(servers) timed out")
            }
            guard let event = rd_kafka_queue_poll(queue, Int32(min(remaining, 1000))) else { continue }
            defer { rd_kafka_event_destroy(event) }
            switch Int32(rd_kafka_event_type(event)) {
            case Int32(RD_KAFKA_EVENT_FETCH):
                while let message = rd_kafka_event_message_next(event) {
                    guard let rkt = message.pointee.rkt else { continue }
                    let partition = TopicPartition(topic: String(cString: rd_kafka_topic_name(rkt)), partition: message.pointee.partition)
                    guard pending.contains(partition) else { continue }
                    if message.pointee.err == RD_KAFKA_RESP_ERR__PARTITION_EOF {
                        reachedEnd(partition, at: message.pointee.offset)
                    } else if message.pointee.err.isOK {
                        var type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
                        if stop(rd_kafka_message_timestamp(message, &type)) {
                            result[partition] = message.pointee.offset
                            pending.remove(partition)
                        } else {
                            result[partition] = message.pointee.offset + 1
                        }
                    }
                }
            case Int32(RD_KAFKA_EVENT_ERROR):
                guard let element = rd_kafka_event_topic_partition(event) else { continue }
                let partition = element.pointee.topicPartition
                let offset = element.pointee.offset
                rd_kafka_topic_partition_destroy(element)
                let code = rd_kafka_event_error(event)
                if code == RD_KAFKA_RESP_ERR__PARTITION_EOF {
                    reachedEnd(partition, at: offset >= 0 ? offset : nil)
                } else if code != RD_KAFKA_RESP_ERR__TRANSPORT {
                    reachedEnd(partition, at: nil)
                }
            default:
                break
            }
        }
        return result
    }
}

extension rd_kafka_resp_err_t {
    /// The error, or nil for success.
    var nonOK: rd_kafka_resp_err_t? { isOK ? nil : self }
}

extension Optional where Wrapped == OpaquePointer {
    /// Frees an `rd_kafka_error_t` and returns its code (nil for no error).
    var consumedErrorCode: rd_kafka_resp_err_t? {
        guard let error = self else { return nil }
        defer { rd_kafka_error_destroy(error) }
        return rd_kafka_error_code(error)
    }
}
