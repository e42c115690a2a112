import CRDKafka
import Foundation
import Transport

/// A librdkafka handle (`rd_kafka_t *`). librdkafka handles are thread-safe,
/// so passing one between threads is fine; its lifetime is managed by the owner.
struct KafkaHandle: @unchecked Sendable {
    let pointer: OpaquePointer
}

/// A librdkafka queue (`rd_kafka_queue_t *`).
struct KafkaQueue: @unchecked Sendable {
    let pointer: OpaquePointer
}

enum KafkaClientKind {
    case producer, consumer

    var type: rd_kafka_type_t { self == .producer ? RD_KAFKA_PRODUCER : RD_KAFKA_CONSUMER }
}

/// The librdkafka settings of one client: Touchstone's defaults first, then the user's
/// `--kafka-config` entries, which win.
struct KafkaSettings: Sendable {
    var entries: [(String, String)]

    init(_ defaults: [(String, String)], overrides: [String: String]) {
        entries = defaults.filter { overrides[$0.0] == nil } + overrides.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    subscript(key: String) -> String? {
        entries.last { $0.0 == key }?.1
    }

    /// Creates the handle. Events (not callbacks) carry delivery reports, rebalances,
    /// errors and log lines; logs go to the handle's main queue instead of stderr.
    func makeHandle(_ kind: KafkaClientKind, events: Int32) throws -> KafkaHandle {
        guard let conf = rd_kafka_conf_new() else { throw TransportError(.broker, "librdkafka could not allocate a configuration") }
        var errorText = [CChar](repeating: 0, count: 512)
        for (key, value) in entries + [("log.queue", "true")] {
            if rd_kafka_conf_set(conf, key, value, &errorText, errorText.count) != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                let reason = cText(errorText)
                throw TransportError(.invalidArgument, "Kafka setting \(key)=\(value) was rejected: \(reason). Fix or remove it in --kafka-config.")
            }
        }
        rd_kafka_conf_set_events(conf, events | Int32(RD_KAFKA_EVENT_ERROR) | Int32(RD_KAFKA_EVENT_LOG))
        guard let rk = rd_kafka_new(kind.type, conf, &errorText, errorText.count) else {
            // rd_kafka_new only takes ownership of conf on success.
            rd_kafka_conf_destroy(conf)
            throw TransportError(.invalidArgument, "librdkafka refused the configuration: \(cText(errorText)). Check --kafka-config.")
        }
        rd_kafka_set_log_queue(rk, nil)
        return KafkaHandle(pointer: rk)
    }
}

extension rd_kafka_resp_err_t {
    var text: String { String(cString: rd_kafka_err2str(self)) }
    var isOK: Bool { self == RD_KAFKA_RESP_ERR_NO_ERROR }
}

/// Messages that the producer, consumer and admin calls share.
enum TransportErrors {
    static func closed(_ what: String) -> TransportError {
        TransportError(.closed, "\(what) is closed; create a new one")
    }

    static func unreachable(_ servers: String, detail: String?) -> TransportError {
        let because = detail.map { " (\($0))" } ?? ""
        return TransportError(.broker, "cannot reach the Kafka broker at \(servers)\(because). Check that it runs and listens there, or point Touchstone at another one with --broker kafka://host:port (or $TOUCHSTONE_BROKER); librdkafka settings go in --kafka-config key=value.")
    }

    static func from(_ error: rd_kafka_resp_err_t, _ doing: String, servers: String, lastBrokerError: String? = nil) -> TransportError {
        switch error {
        case RD_KAFKA_RESP_ERR__TRANSPORT, RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN, RD_KAFKA_RESP_ERR__RESOLVE:
            return unreachable(servers, detail: lastBrokerError ?? error.text)
        case RD_KAFKA_RESP_ERR__TIMED_OUT, RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
            if let lastBrokerError { return unreachable(servers, detail: lastBrokerError) }
            return TransportError(.timeout, "\(doing) timed out at the Kafka broker \(servers); it may be overloaded or unreachable (change it with --broker, timeouts with --kafka-config)")
        case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC, RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
            return TransportError(.unknownTopic, "\(doing): no such topic on \(servers); create it with `touchstone topics create`")
        case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
            return TransportError(.unknownPartition, "\(doing): no such partition on \(servers)")
        case RD_KAFKA_RESP_ERR_INVALID_PARTITIONS, RD_KAFKA_RESP_ERR_INVALID_CONFIG, RD_KAFKA_RESP_ERR__INVALID_ARG,
             RD_KAFKA_RESP_ERR_INVALID_REPLICATION_FACTOR, RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION,
             RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
            return TransportError(.invalidArgument, "\(doing): \(error.text)")
        default:
            return TransportError(.broker, "\(doing) failed at the Kafka broker \(servers): \(error.text)")
        }
    }
}

/// Error-level log lines and error events a handle reported, drained from its
/// main queue without waiting: they say why a broker cannot be reached.
func drainBrokerTrouble(_ queue: KafkaQueue) -> (allBrokersDown: Bool, detail: String?) {
    var allDown = false
    var detail: String?
    while let event = rd_kafka_queue_poll(queue.pointer, 0) {
        defer { rd_kafka_event_destroy(event) }
        switch Int32(rd_kafka_event_type(event)) {
        case Int32(RD_KAFKA_EVENT_ERROR):
            let code = rd_kafka_event_error(event)
            if code == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN { allDown = true }
            if code == RD_KAFKA_RESP_ERR__TRANSPORT || code == RD_KAFKA_RESP_ERR__RESOLVE || code == RD_KAFKA_RESP_ERR__AUTHENTICATION || code == RD_KAFKA_RESP_ERR__SSL {
                detail = rd_kafka_event_error_string(event).map { String(cString: $0) }
            }
        default:
            break
        }
    }
    return (allDown, detail)
}

/// An owned `rd_kafka_topic_partition_list_t`.
final class PartitionList {
    let pointer: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>

    init(capacity: Int) {
        pointer = rd_kafka_topic_partition_list_new(Int32(max(capacity, 1)))
    }

    init(copying list: UnsafePointer<rd_kafka_topic_partition_list_t>) {
        pointer = rd_kafka_topic_partition_list_copy(list)
    }

    deinit { rd_kafka_topic_partition_list_destroy(pointer) }

    @discardableResult
    func add(_ partition: TopicPartition, offset: Int64 = Int64(RD_KAFKA_OFFSET_INVALID)) -> UnsafeMutablePointer<rd_kafka_topic_partition_t> {
        let element = rd_kafka_topic_partition_list_add(pointer, partition.topic, partition.partition)!
        element.pointee.offset = offset
        return element
    }

    var elements: UnsafeMutableBufferPointer<rd_kafka_topic_partition_t> {
        UnsafeMutableBufferPointer(start: pointer.pointee.elems, count: Int(pointer.pointee.cnt))
    }
}

extension rd_kafka_topic_partition_t {
    var topicPartition: TopicPartition { TopicPartition(topic: String(cString: topic), partition: partition) }
}

func elements(of list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?) -> UnsafeMutableBufferPointer<rd_kafka_topic_partition_t> {
    guard let list else { return UnsafeMutableBufferPointer(start: nil, count: 0) }
    return UnsafeMutableBufferPointer(start: list.pointee.elems, count: Int(list.pointee.cnt))
}

extension Duration {
    var milliseconds: Int32 {
        let (seconds, attoseconds) = components
        let ms = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return Int32(clamping: max(0, ms))
    }
}

/// Monotonic milliseconds, for deadlines on the dedicated threads.
func monotonicMilliseconds() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
}

/// The text of a NUL-terminated buffer librdkafka wrote an error into.
func cText(_ buffer: [CChar]) -> String {
    let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
    return String(decoding: bytes, as: UTF8.self)
}
