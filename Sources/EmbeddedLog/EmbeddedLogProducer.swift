import Dispatch
import Synchronization
import Transport

/// A producer of the embedded log. `send` frames the record (CRC included)
/// into a per-partition batch in memory and returns at once; batches are
/// written on the producer's own serial queue (appends take a blocking
/// `flock`, which must not run on Swift's cooperative pool) once `batchBytes`
/// are waiting, after `linger`, or on `flush()`. While `bufferBytes` are
/// buffered or being written, `send` suspends until a write completes
/// (backpressure instead of an error or unbounded memory).
final class EmbeddedLogProducer: MessageProducer, @unchecked Sendable {
    private struct State {
        /// Records waiting to be written: per topic, each partition's batch still being filled.
        var topics: [String: TopicBatches] = [:]
        /// The topic the previous message went to: most messages go where the last one did.
        var lastTopic: TopicBatches?
        /// Full batches waiting to be written, in the order they filled (before any open batch of their partition).
        var ready: [(position: TopicPartition, buffer: FrameBuffer)] = []
        /// Topic settings, loaded once per topic.
        var settings: [String: TopicSettings] = [:]
        /// Written batch buffers kept for reuse.
        var spareBuffers: [FrameBuffer] = []
        /// Bytes buffered plus bytes being written.
        var bufferedBytes = 0
        var waitingBytes = 0
        /// Messages accepted by `send`, and how many of them are written.
        var accepted = 0
        var written = 0
        /// A drain is queued to run now.
        var drainScheduled = false
        /// A drain is due after `linger`.
        var lingerArmed = false
        var spaceWaiters: [CheckedContinuation<Void, Never>] = []
        var flushWaiters: [(target: Int, continuation: CheckedContinuation<Void, any Error>)] = []
        var failure: TransportError?
        var closed = false
        var nextSpreadPartition = 0
        /// How often `send` had to wait for buffer space (for tests and diagnostics).
        var backpressureWaits = 0
    }

    /// One topic's open batches, a slot per partition. Only touched under the state lock.
    private final class TopicBatches {
        let name: String
        let partitions: Int32
        var open: [FrameBuffer?]

        init(settings: TopicSettings) {
            name = settings.name
            partitions = settings.partitions
            open = Array(repeating: nil, count: Int(settings.partitions))
        }
    }

    private let transport: EmbeddedLogTransport
    private let options: EmbeddedLogOptions
    private let state = Mutex(State())
    private let queue = DispatchQueue(label: "touchstone.embedded-log.producer")
    /// Only touched on `queue`.
    nonisolated(unsafe) private var appenders: [TopicPartition: PartitionAppender] = [:]

    init(transport: EmbeddedLogTransport) {
        self.transport = transport
        options = transport.options
    }

    private func settings(_ topic: String) throws -> TopicSettings {
        if let cached = state.withLock({ $0.settings[topic] }) { return cached }
        let loaded = try transport.settings(topic)
        state.withLock { $0.settings[topic] = loaded }
        return loaded
    }

    func send(_ message: OutgoingMessage) async throws {
        let now = Clock.nowMilliseconds()
        while true {
            let step = try acceptUnderLock(CollectionOfOne(message), from: 0, defaultTimestamp: now)
            startDrains(step)
            if step.next == 1 { return }
            try await handleStop(step.outcome)
        }
    }

    func send(contentsOf messages: [OutgoingMessage]) async throws {
        let now = Clock.nowMilliseconds()
        var next = 0
        while next < messages.count {
            let step = try acceptUnderLock(messages, from: next, defaultTimestamp: now)
            startDrains(step)
            next = step.next
            if case .accepted = step.outcome { continue }
            try await handleStop(step.outcome)
        }
    }

    /// Messages framed per turn under the lock (see `acceptUnderLock`).
    private static let messagesPerLock = 64

    private enum Acceptance { case accepted, full, failed(TransportError), needSettings(String) }

    /// What one turn under the lock did: how far it got, why it stopped, and which drain it asks for.
    private struct Step {
        var next: Int
        var outcome: Acceptance
        var drainNow: Bool
        var drainLater: Bool
    }

    /// Frames messages from `first` on into their partitions' batches, as many as fit in the buffer,
    /// under one lock. Generic over the collection so that each message is borrowed from it, not copied.
    @inline(__always)
    private func acceptUnderLock<Messages: RandomAccessCollection<OutgoingMessage>>(_ messages: Messages, from first: Int, defaultTimestamp: Int64) throws -> Step where Messages.Index == Int {
        try state.withLock { state -> Step in
            var step = Step(next: first, outcome: .accepted, drainNow: false, drainLater: false)
            // A bounded number per turn: the writer thread takes the same lock to pick up batches,
            // and waiting out a whole long batch would stall it.
            let end = min(messages.count, first + Self.messagesPerLock)
            while step.next < end {
                step.outcome = try accept(messages[step.next], defaultTimestamp: defaultTimestamp, into: &state)
                guard case .accepted = step.outcome else { break }
                step.next += 1
            }
            if state.drainScheduled { return step }
            if state.waitingBytes >= options.batchBytes {
                state.drainScheduled = true
                step.drainNow = true
            } else if !state.lingerArmed {
                state.lingerArmed = true
                step.drainLater = true
            }
            return step
        }
    }

    /// Starts the drains a step asked for.
    private func startDrains(_ step: Step) {
        if step.drainNow { queue.async { self.drain() } }
        if step.drainLater {
            let delay = options.linger.components
            let nanoseconds = Int(delay.seconds) * 1_000_000_000 + Int(delay.attoseconds / 1_000_000_000)
            queue.asyncAfter(deadline: .now() + .nanoseconds(nanoseconds)) {
                self.state.withLock { $0.lingerArmed = false }
                self.drain()
            }
        }
    }

    /// Deals with why a step stopped before the last message: a failure is thrown, missing
    /// topic settings are loaded, a full buffer is waited out. (Not on the path of a step
    /// that took every message: an async call per send costs more than framing the record.)
    private func handleStop(_ outcome: Acceptance) async throws {
        switch outcome {
        case .accepted:
            break
        case .failed(let error):
            throw error
        case .needSettings(let topic):
            let loaded = try transport.settings(topic)
            state.withLock { $0.settings[topic] = loaded }
        case .full:
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    if state.bufferedBytes < options.bufferBytes || state.closed { return true }
                    state.backpressureWaits += 1
                    state.spaceWaiters.append(continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }
    }

    /// Frames one message into its partition's open batch, under the lock. A batch that
    /// reaches `batchBytes` moves to `ready`, so that a slow writer never makes one batch
    /// grow (and be copied) without bound.
    @inline(__always)
    private func accept(_ message: borrowing OutgoingMessage, defaultTimestamp: Int64, into state: inout State) throws -> Acceptance {
        if state.closed { return .failed(TransportError(.closed, "send on a closed producer")) }
        let topic: TopicBatches
        if let last = state.lastTopic, last.name == message.topic {
            topic = last
        } else if let known = state.topics[message.topic] {
            topic = known
            state.lastTopic = known
        } else {
            guard let settings = state.settings[message.topic] else { return .needSettings(message.topic) }
            topic = TopicBatches(settings: settings)
            state.topics[message.topic] = topic
            state.lastTopic = topic
        }
        if state.bufferedBytes >= options.bufferBytes { return .full }
        let partition: Int32
        if let explicit = message.partition {
            guard explicit >= 0 && explicit < topic.partitions else {
                return .failed(TransportError(.unknownPartition, "topic '\(message.topic)' has partitions 0..<\(topic.partitions); cannot send to \(explicit)"))
            }
            partition = explicit
        } else if let key = message.key {
            partition = Murmur2Partitioner.partition(key: key, partitions: topic.partitions)
        } else {
            state.nextSpreadPartition &+= 1
            partition = Int32(state.nextSpreadPartition % Int(topic.partitions))
        }
        let buffer: FrameBuffer
        if let open = topic.open[Int(partition)] {
            buffer = open
        } else {
            buffer = state.spareBuffers.popLast() ?? FrameBuffer(capacity: options.batchBytes + 4096)
            topic.open[Int(partition)] = buffer
        }
        let size = try buffer.append(timestamp: message.timestamp ?? defaultTimestamp, key: message.key, value: message.value, headers: message.headers)
        state.bufferedBytes += size
        state.waitingBytes += size
        state.accepted += 1
        if buffer.count >= options.batchBytes {
            state.ready.append((TopicPartition(topic: topic.name, partition: partition), buffer))
            topic.open[Int(partition)] = nil
        }
        return .accepted
    }

    /// Writes everything buffered, on `queue`.
    private func drain() {
        let (batches, target, wantsSync) = state.withLock { state in
            var batches = state.ready
            state.ready = []
            for topic in state.topics.values {
                for (partition, open) in topic.open.enumerated() {
                    guard let open else { continue }
                    batches.append((TopicPartition(topic: topic.name, partition: Int32(partition)), open))
                    topic.open[partition] = nil
                }
            }
            state.waitingBytes = 0
            state.drainScheduled = false
            return (batches, state.accepted, !state.flushWaiters.isEmpty)
        }
        // Each partition's batches in the order they filled, written under one lock.
        var byPartition: [TopicPartition: [FrameBuffer]] = [:]
        var partitionOrder: [TopicPartition] = []
        for (position, batch) in batches {
            if byPartition[position] == nil { partitionOrder.append(position) }
            byPartition[position, default: []].append(batch)
        }
        let bytes = batches.reduce(0) { $0 + $1.buffer.count }
        var failure: TransportError?
        for position in partitionOrder where failure == nil {
            let buffers = byPartition[position]!
            do {
                let appender = try appender(for: position)
                for buffer in buffers { buffer.seal() }
                try appender.append(buffers.map { ($0.bytes, $0.records) })
            } catch {
                failure = error as? TransportError
                    ?? TransportError(.io, "cannot append to \(position): \(error)")
            }
        }
        if wantsSync && options.syncOnFlush && failure == nil {
            do {
                for appender in appenders.values { try appender.sync() }
            } catch {
                failure = error as? TransportError ?? TransportError(.io, "cannot fsync: \(error)")
            }
        }
        let (spaceWaiters, done, scheduleAgain) = state.withLock { state in
            state.bufferedBytes -= bytes
            state.written = target
            // Keep enough written buffers to refill the whole buffer without new allocations
            // (large allocations are fresh mappings: page faults on every batch).
            for (_, batch) in batches where state.spareBuffers.count < options.bufferBytes / max(options.batchBytes, 1) {
                batch.reset()
                state.spareBuffers.append(batch)
            }
            if let failure, state.failure == nil { state.failure = failure }
            let spaceWaiters = state.spaceWaiters
            state.spaceWaiters = []
            var done: [(CheckedContinuation<Void, any Error>, TransportError?)] = []
            // A waiter is done once its messages are written, and synced if it asked after they were.
            let syncCovered = wantsSync || !options.syncOnFlush
            state.flushWaiters.removeAll { waiter in
                guard waiter.target <= target, syncCovered || state.failure != nil else { return false }
                done.append((waiter.continuation, state.failure))
                return true
            }
            if !done.isEmpty { state.failure = nil }
            var scheduleAgain = false
            if (state.waitingBytes > 0 || !state.flushWaiters.isEmpty) && !state.drainScheduled {
                state.drainScheduled = true
                scheduleAgain = true
            }
            return (spaceWaiters, done, scheduleAgain)
        }
        if scheduleAgain { queue.async { self.drain() } }
        for waiter in spaceWaiters { waiter.resume() }
        for (continuation, failure) in done {
            if let failure { continuation.resume(throwing: failure) } else { continuation.resume() }
        }
    }

    private func appender(for position: TopicPartition) throws -> PartitionAppender {
        if let existing = appenders[position] { return existing }
        let settings = try settings(position.topic)
        let appender = try PartitionAppender(directory: transport.partitionDirectory(position.topic, position.partition), spec: settings)
        appenders[position] = appender
        return appender
    }

    /// How many times `send` has suspended for buffer space so far.
    var backpressureWaits: Int { state.withLock { $0.backpressureWaits } }

    func flush() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let schedule = state.withLock { state -> Bool in
                state.flushWaiters.append((state.accepted, continuation))
                if state.drainScheduled { return false }
                state.drainScheduled = true
                return true
            }
            if schedule { queue.async { self.drain() } }
        }
    }

    func close() async throws {
        defer {
            let waiters = state.withLock { state in
                state.closed = true
                let waiters = state.spaceWaiters
                state.spaceWaiters = []
                return waiters
            }
            for waiter in waiters { waiter.resume() }
        }
        try await flush()
    }
}
