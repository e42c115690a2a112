import CRDKafka
import Foundation
import Synchronization
import Transport

/// An idempotent librdkafka producer.
///
/// - `send` hands the message to librdkafka with `rd_kafka_produceva` (copying
///   key, value and headers) and returns; the message carries a sequence number
///   as its opaque pointer.
/// - One dedicated thread waits on the handle's event queue for delivery-report
///   batches and marks those sequence numbers delivered (or failed).
/// - When librdkafka's queue is full, `send` suspends until the delivery thread
///   has freed room: backpressure instead of `QueueFull`.
/// - `flush` waits until every sequence number sent before it is delivered,
///   then throws the first delivery failure, if any.
final class KafkaProducer: MessageProducer, @unchecked Sendable {
    private let handle: KafkaHandle
    private let mainQueue: KafkaQueue
    private let servers: String
    /// The next sequence number; 0 is never used (it would be a null opaque pointer).
    private let nextSequence = Atomic<UInt64>(1)
    /// Bumped (under `state`'s lock) each time the delivery thread frees queue room.
    private let roomGeneration = Atomic<UInt64>(0)
    private let state = Mutex(DeliveryState())
    private let deliveryThreadDone = NSCondition()
    nonisolated(unsafe) private var deliveryThreadRunning = true
    private let stopRequested = Atomic<Bool>(false)

    private struct DeliveryState {
        /// Every sequence number below this one is settled (delivered or failed).
        var lowestUnsettled: UInt64 = 1
        /// Settled numbers above `lowestUnsettled` (delivery reports of different partitions interleave).
        var settledAhead = Set<UInt64>()
        var firstFailure: TransportError?
        var roomWaiters: [CheckedContinuation<Void, Never>] = []
        var flushWaiters: [(upTo: UInt64, continuation: CheckedContinuation<Void, Never>)] = []
        var closed = false
        var brokerTrouble: String?

        mutating func settle(_ sequence: UInt64) {
            if sequence == lowestUnsettled {
                lowestUnsettled += 1
                while settledAhead.remove(lowestUnsettled) != nil { lowestUnsettled += 1 }
            } else if sequence > lowestUnsettled {
                settledAhead.insert(sequence)
            }
        }

        mutating func takeReadyFlushWaiters() -> [CheckedContinuation<Void, Never>] {
            guard !flushWaiters.isEmpty else { return [] }
            var ready: [CheckedContinuation<Void, Never>] = []
            flushWaiters.removeAll { waiter in
                guard waiter.upTo < lowestUnsettled else { return false }
                ready.append(waiter.continuation)
                return true
            }
            return ready
        }
    }

    init(servers: String, settings: KafkaSettings) throws {
        self.servers = servers
        handle = try settings.makeHandle(.producer, events: Int32(RD_KAFKA_EVENT_DR))
        mainQueue = KafkaQueue(pointer: rd_kafka_queue_get_main(handle.pointer))
        let thread = Thread { [self] in self.serveDeliveryReports() }
        thread.name = "kafka-delivery"
        thread.start()
    }

    // MARK: Sending

    func send(_ message: OutgoingMessage) async throws {
        while true {
            let generation = roomGeneration.load(ordering: .acquiring)
            let sequence = nextSequence.add(1, ordering: .relaxed).oldValue
            let error = produce(message, sequence: sequence)
            if error.isOK { return }
            // Not enqueued: settle the number so flush does not wait for it.
            let ready = state.withLock { state in
                state.settle(sequence)
                return state.takeReadyFlushWaiters()
            }
            ready.forEach { $0.resume() }
            guard error == RD_KAFKA_RESP_ERR__QUEUE_FULL else {
                throw TransportErrors.from(error, "publishing to topic '\(message.topic)'", servers: servers)
            }
            try await waitForRoom(after: generation)
        }
    }

    private func waitForRoom(after generation: UInt64) async throws {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { state -> Bool in
                if state.closed || roomGeneration.load(ordering: .acquiring) != generation { return true }
                state.roomWaiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
        if state.withLock({ $0.closed }) { throw TransportErrors.closed("the Kafka producer") }
    }

    private func produce(_ message: OutgoingMessage, sequence: UInt64) -> rd_kafka_resp_err_t {
        // Header names and values go into one scratch buffer so that a single
        // pointer stays valid across the produceva call.
        var scratch: [UInt8] = []
        var headerSpans: [(name: Int, value: Int, count: Int)] = []
        if !message.headers.isEmpty {
            headerSpans.reserveCapacity(message.headers.count)
            for header in message.headers {
                let nameAt = scratch.count
                scratch.append(contentsOf: header.name.utf8)
                scratch.append(0)
                let valueAt = scratch.count
                scratch.append(contentsOf: header.value)
                headerSpans.append((nameAt, valueAt, header.value.count))
            }
        }
        let fieldCount = 4 + (message.key == nil ? 0 : 1) + (message.timestamp == nil ? 0 : 1) + (message.partition == nil ? 0 : 1) + headerSpans.count
        return message.topic.withCString { topic in
            message.value.withUnsafeBytes { value in
                withKeyBytes(message.key) { key in
                    scratch.withUnsafeBytes { scratch in
                        withUnsafeTemporaryAllocation(of: rd_kafka_vu_t.self, capacity: fieldCount) { fields in
                            var n = 0
                            func put(_ type: rd_kafka_vtype_t, _ fill: (inout rd_kafka_vu_t) -> Void) {
                                var field = rd_kafka_vu_t()
                                field.vtype = type
                                fill(&field)
                                fields[n] = field
                                n += 1
                            }
                            put(RD_KAFKA_VTYPE_TOPIC) { $0.u.cstr = topic }
                            put(RD_KAFKA_VTYPE_VALUE) {
                                $0.u.mem.ptr = UnsafeMutableRawPointer(mutating: value.baseAddress)
                                $0.u.mem.size = value.count
                            }
                            put(RD_KAFKA_VTYPE_MSGFLAGS) { $0.u.i = RD_KAFKA_MSG_F_COPY }
                            put(RD_KAFKA_VTYPE_OPAQUE) { $0.u.ptr = UnsafeMutableRawPointer(bitPattern: UInt(sequence)) }
                            if let key {
                                put(RD_KAFKA_VTYPE_KEY) {
                                    $0.u.mem.ptr = UnsafeMutableRawPointer(mutating: key.baseAddress)
                                    $0.u.mem.size = key.count
                                }
                            }
                            if let timestamp = message.timestamp { put(RD_KAFKA_VTYPE_TIMESTAMP) { $0.u.i64 = timestamp } }
                            if let partition = message.partition { put(RD_KAFKA_VTYPE_PARTITION) { $0.u.i32 = partition } }
                            for span in headerSpans {
                                put(RD_KAFKA_VTYPE_HEADER) {
                                    $0.u.header.name = scratch.baseAddress!.advanced(by: span.name).assumingMemoryBound(to: CChar.self)
                                    $0.u.header.val = span.count == 0 ? nil : scratch.baseAddress!.advanced(by: span.value)
                                    $0.u.header.size = span.count
                                }
                            }
                            guard let error = rd_kafka_produceva(handle.pointer, fields.baseAddress, n) else { return RD_KAFKA_RESP_ERR_NO_ERROR }
                            let code = rd_kafka_error_code(error)
                            rd_kafka_error_destroy(error)
                            return code
                        }
                    }
                }
            }
        }
    }

    // MARK: Delivery reports

    private func serveDeliveryReports() {
        var settled: [UInt64] = []
        settled.reserveCapacity(1024)
        while !stopRequested.load(ordering: .acquiring) {
            guard let event = rd_kafka_queue_poll(mainQueue.pointer, 1000) else { continue }
            var failure: TransportError?
            var trouble: String?
            switch Int32(rd_kafka_event_type(event)) {
            case Int32(RD_KAFKA_EVENT_DR):
                while let report = rd_kafka_event_message_next(event) {
                    let sequence = UInt64(UInt(bitPattern: report.pointee._private))
                    settled.append(sequence)
                    if !report.pointee.err.isOK && failure == nil {
                        let topic = report.pointee.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? "?"
                        failure = TransportErrors.from(report.pointee.err, "delivering a message to topic '\(topic)'", servers: servers, lastBrokerError: state.withLock { $0.brokerTrouble })
                    }
                }
            case Int32(RD_KAFKA_EVENT_ERROR):
                let code = rd_kafka_event_error(event)
                let text = rd_kafka_event_error_string(event).map { String(cString: $0) } ?? code.text
                if rd_kafka_event_error_is_fatal(event) != 0 {
                    failure = TransportError(.broker, "the Kafka producer failed for good: \(text)")
                } else if code == RD_KAFKA_RESP_ERR__TRANSPORT || code == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN || code == RD_KAFKA_RESP_ERR__RESOLVE {
                    trouble = text
                }
            default:
                break
            }
            rd_kafka_event_destroy(event)
            guard !settled.isEmpty || failure != nil || trouble != nil else { continue }
            let (rooms, flushes) = state.withLock { state in
                for sequence in settled { state.settle(sequence) }
                if state.firstFailure == nil { state.firstFailure = failure }
                if let trouble { state.brokerTrouble = trouble }
                roomGeneration.add(1, ordering: .releasing)
                let rooms = state.roomWaiters
                state.roomWaiters.removeAll()
                return (rooms, state.takeReadyFlushWaiters())
            }
            settled.removeAll(keepingCapacity: true)
            rooms.forEach { $0.resume() }
            flushes.forEach { $0.resume() }
        }
        deliveryThreadDone.lock()
        deliveryThreadRunning = false
        deliveryThreadDone.broadcast()
        deliveryThreadDone.unlock()
    }

    // MARK: Flush and close

    func flush() async throws {
        let upTo = nextSequence.load(ordering: .relaxed) - 1
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { state -> Bool in
                if upTo < state.lowestUnsettled || state.closed { return true }
                state.flushWaiters.append((upTo, continuation))
                return false
            }
            if resumeNow { continuation.resume() }
        }
        let failure = state.withLock { state -> TransportError? in
            defer { state.firstFailure = nil }
            return state.firstFailure
        }
        if let failure { throw failure }
    }

    func close() async throws {
        let alreadyClosed = state.withLock { $0.closed }
        if alreadyClosed { return }
        var flushError: Error?
        do { try await flush() } catch { flushError = error }
        let waiters = state.withLock { state in
            state.closed = true
            defer { state.roomWaiters.removeAll(); state.flushWaiters.removeAll() }
            return state.roomWaiters + state.flushWaiters.map(\.continuation)
        }
        waiters.forEach { $0.resume() }
        stopRequested.store(true, ordering: .releasing)
        rd_kafka_queue_yield(mainQueue.pointer)
        let handle = handle, mainQueue = mainQueue
        // Joining the delivery thread and destroying the handle block: do it off the pool.
        let closer = DedicatedThread(name: "kafka-producer-close")
        _ = try? await closer.run { [self] in
            deliveryThreadDone.lock()
            while deliveryThreadRunning { _ = deliveryThreadDone.wait(until: Date().addingTimeInterval(0.2)); rd_kafka_queue_yield(mainQueue.pointer) }
            deliveryThreadDone.unlock()
            rd_kafka_queue_destroy(mainQueue.pointer)
            rd_kafka_destroy(handle.pointer)
        }
        closer.stopSoon()
        if let flushError { throw flushError }
    }
}

nonisolated(unsafe) private let emptyKeyByte: UnsafeMutableRawPointer = .allocate(byteCount: 1, alignment: 1)

/// Calls `body` with the key's bytes; an empty (not absent) key gets a non-null pointer
/// so that librdkafka keeps it distinct from a null key.
private func withKeyBytes<R>(_ key: [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
    guard let key else { return body(nil) }
    if key.isEmpty { return body(UnsafeRawBufferPointer(start: emptyKeyByte, count: 0)) }
    return key.withUnsafeBytes { body($0) }
}
