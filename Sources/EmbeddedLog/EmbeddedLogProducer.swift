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
        /// Records waiting to be written, per partition.
        var batches: [TopicPartition: FrameBuffer] = [:]
        /// Topic settings, loaded once per topic.
        var settings: [String: TopicSettings] = [:]
        /// The batch the previous send went to: most sends go where the last one did.
        var lastBatch: (position: TopicPartition, buffer: FrameBuffer)?
        var lastSettings: TopicSettings?
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
        let timestamp = message.timestamp ?? Clock.nowMilliseconds()
        while true {
            enum Outcome { case accepted(scheduleNow: Bool, scheduleLater: Bool), full, failed(TransportError), needSettings }
            let outcome: Outcome = try state.withLock { state in
                if state.closed { return .failed(TransportError(.closed, "send on a closed producer")) }
                let settings: TopicSettings
                if let last = state.lastSettings, last.name == message.topic {
                    settings = last
                } else {
                    guard let found = state.settings[message.topic] else { return .needSettings }
                    settings = found
                    state.lastSettings = found
                }
                if state.bufferedBytes >= options.bufferBytes { return .full }
                let partition: Int32
                if let explicit = message.partition {
                    guard explicit >= 0 && explicit < settings.partitions else {
                        return .failed(TransportError(.unknownPartition, "topic '\(message.topic)' has partitions 0..<\(settings.partitions); cannot send to \(explicit)"))
                    }
                    partition = explicit
                } else if let key = message.key {
                    partition = Murmur2Partitioner.partition(key: key, partitions: settings.partitions)
                } else {
                    state.nextSpreadPartition &+= 1
                    partition = Int32(state.nextSpreadPartition % Int(settings.partitions))
                }
                let position = TopicPartition(topic: message.topic, partition: partition)
                let buffer: FrameBuffer
                if let last = state.lastBatch, last.position == position {
                    buffer = last.buffer
                } else if let existing = state.batches[position] {
                    buffer = existing
                    state.lastBatch = (position, existing)
                } else {
                    buffer = FrameBuffer(capacity: options.batchBytes + 4096)
                    state.batches[position] = buffer
                    state.lastBatch = (position, buffer)
                }
                let size = try buffer.append(timestamp: timestamp, key: message.key, value: message.value, headers: message.headers)
                state.bufferedBytes += size
                state.waitingBytes += size
                state.accepted += 1
                if state.drainScheduled { return .accepted(scheduleNow: false, scheduleLater: false) }
                if state.waitingBytes >= options.batchBytes {
                    state.drainScheduled = true
                    return .accepted(scheduleNow: true, scheduleLater: false)
                }
                if state.lingerArmed { return .accepted(scheduleNow: false, scheduleLater: false) }
                state.lingerArmed = true
                return .accepted(scheduleNow: false, scheduleLater: true)
            }
            switch outcome {
            case .accepted(let now, let later):
                if now { queue.async { self.drain() } }
                if later {
                    let delay = options.linger.components
                    let nanoseconds = Int(delay.seconds) * 1_000_000_000 + Int(delay.attoseconds / 1_000_000_000)
                    queue.asyncAfter(deadline: .now() + .nanoseconds(nanoseconds)) {
                        self.state.withLock { $0.lingerArmed = false }
                        self.drain()
                    }
                }
                return
            case .failed(let error):
                throw error
            case .needSettings:
                let loaded = try transport.settings(message.topic)
                state.withLock { $0.settings[message.topic] = loaded }
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
    }

    /// Writes everything buffered, on `queue`.
    private func drain() {
        let (batches, target, wantsSync) = state.withLock { state in
            let batches = state.batches
            state.batches = [:]
            state.lastBatch = nil
            state.waitingBytes = 0
            state.drainScheduled = false
            return (batches, state.accepted, !state.flushWaiters.isEmpty)
        }
        var bytes = 0
        var failure: TransportError?
        for (position, batch) in batches.sorted(by: { $0.key < $1.key }) {
            bytes += batch.count
            guard failure == nil else { continue }
            do {
                let appender = try appender(for: position)
                batch.seal()
                try appender.append(batch.bytes, count: batch.records)
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
            if (!state.batches.isEmpty || !state.flushWaiters.isEmpty) && !state.drainScheduled {
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
