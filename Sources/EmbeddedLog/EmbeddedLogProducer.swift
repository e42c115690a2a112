import Dispatch
import Synchronization
import Transport

/// A producer of the embedded log. `send` frames the record into a per-partition
/// batch in memory and returns at once; batches are checksummed and written on
/// the producer's own serial queue (appends take a blocking `flock`, which must
/// not run on Swift's cooperative pool) once a partition's batch reaches
/// `batchBytes` (or the open batches add up to that), after `linger`, or on
/// `flush()`. While `bufferBytes` are buffered or being written, `send` suspends
/// until a write completes (backpressure instead of an error or unbounded memory).
final class EmbeddedLogProducer: MessageProducer, @unchecked Sendable {
    // Two locks, so that the writer does not wait out senders that frame messages in a tight loop:
    // `framing` is what senders hold while framing a run of messages; `handoff` is where full
    // batches, spare buffers and waiters pass between senders and the writer, which each side
    // takes about once per batch. In the steady stream of full batches the writer takes only
    // `handoff`; it takes `framing` only to collect partly filled batches (flush, linger).
    // Lock order: `framing` before `handoff`, never the other way.

    /// What senders touch while framing. Under `framing`.
    private struct Framing {
        /// Records waiting to be written: per topic, each partition's batch still being filled.
        var topics: [String: TopicBatches] = [:]
        /// The topic the previous message went to: most messages go where the last one did.
        /// Not retained: `topics` owns it.
        var lastTopic: Unmanaged<TopicBatches>?
        /// Topic settings, loaded once per topic.
        var settings: [String: TopicSettings] = [:]
        /// Bytes in the open (partly filled) batches.
        var openBytes = 0
        /// The writer has been asked to collect the open batches because they add up to a batch
        /// (many partitions, none full).
        var openCollectAsked = false
        /// Messages accepted by `send`.
        var accepted = 0
        /// A drain is due after `linger`.
        var lingerArmed = false
        var closed = false
        var nextSpreadPartition = 0
    }

    /// What passes between senders and the writer. Under `handoff`.
    private struct Handoff {
        /// Full batches waiting to be written, in the order they filled (before any open batch of their partition).
        var ready: [(position: TopicPartition, buffer: FrameBuffer)] = []
        /// Written batch buffers kept for reuse.
        var spareBuffers: [FrameBuffer] = []
        /// The next drain must also collect the open batches (for a flush, or because they add up to a batch).
        var collectOpen = false
        /// A drain is queued and has not yet taken `ready`.
        var drainScheduled = false
        /// How many of the accepted messages are written (as of the last drain that collected everything).
        var written = 0
        var spaceWaiters: [CheckedContinuation<Void, Never>] = []
        var flushWaiters: [(target: Int, continuation: CheckedContinuation<Void, any Error>)] = []
        var failure: TransportError?
        var closed = false
        /// How often `send` had to wait for buffer space (for tests and diagnostics).
        var backpressureWaits = 0

        /// Marks a drain as queued; true when the caller must queue it (none was).
        mutating func scheduleDrain() -> Bool {
            if drainScheduled { return false }
            drainScheduled = true
            return true
        }
    }

    /// One topic's open batches, a slot per partition. Only touched under `framing`.
    ///
    /// The slots hold their buffers retained by hand (``openBatch(_:partition:)``, ``takeBatch(_:)``):
    /// framing a message then touches no reference count. A retain or release is a locked
    /// instruction, a full fence that waits for the previous record's stores to reach the
    /// cache, and per message that cost more than all the framing.
    private final class TopicBatches {
        let name: String
        let partitions: Int32
        private(set) var open: [Unmanaged<FrameBuffer>?]

        init(settings: TopicSettings) {
            name = settings.name
            partitions = settings.partitions
            open = Array(repeating: nil, count: Int(settings.partitions))
        }

        deinit {
            for slot in open { slot?.release() }
        }

        /// Puts `buffer` in the empty slot of `partition`.
        func openBatch(_ buffer: FrameBuffer, partition: Int) -> Unmanaged<FrameBuffer> {
            precondition(open[partition] == nil, "partition \(partition) of '\(name)' already has an open batch")
            let slot = Unmanaged.passRetained(buffer)
            open[partition] = slot
            return slot
        }

        /// Empties the slot of `partition`, handing its buffer (if any) to the caller.
        func takeBatch(_ partition: Int) -> FrameBuffer? {
            guard let slot = open[partition] else { return nil }
            open[partition] = nil
            return slot.takeRetainedValue()
        }
    }

    private let transport: EmbeddedLogTransport
    private let options: EmbeddedLogOptions
    private let framing = Mutex(Framing())
    private let handoff = Mutex(Handoff())
    /// Bytes framed so far, and bytes written so far: their difference is what is buffered or
    /// being written (for backpressure). Each has one writer — `framedBytes` senders under
    /// `framing`, `writtenBytes` the writer queue — so both are kept with plain stores: an
    /// atomic add would be one more locked instruction (a full fence) per message.
    private let framedBytes = Atomic<Int>(0)
    private let writtenBytes = Atomic<Int>(0)

    /// Bytes buffered or being written, as far as this thread can tell (it may overstate: the
    /// writer only ever lowers it).
    private var bufferedBytes: Int { framedBytes.load(ordering: .relaxed) - writtenBytes.load(ordering: .relaxed) }

    private let queue = DispatchQueue(label: "touchstone.embedded-log.producer")
    /// Only touched on `queue`.
    nonisolated(unsafe) private var appenders: [TopicPartition: PartitionAppender] = [:]

    init(transport: EmbeddedLogTransport) {
        self.transport = transport
        options = transport.options
    }

    private func settings(_ topic: String) throws -> TopicSettings {
        if let cached = framing.withLock({ $0.settings[topic] }) { return cached }
        let loaded = try transport.settings(topic)
        framing.withLock { $0.settings[topic] = loaded }
        return loaded
    }

    func send(_ message: OutgoingMessage) async throws {
        let now = Clock.nowMilliseconds()
        while true {
            let step = withUnsafePointer(to: message) {
                acceptUnderLock(UnsafeBufferPointer(start: $0, count: 1), from: 0, defaultTimestamp: now)
            }
            startDrains(step)
            if step.next == 1 { return }
            try await handleStop(step.outcome)
        }
    }

    func send(contentsOf messages: [OutgoingMessage]) async throws {
        let now = Clock.nowMilliseconds()
        var next = 0
        while next < messages.count {
            let step = messages.withUnsafeBufferPointer { acceptUnderLock($0, from: next, defaultTimestamp: now) }
            startDrains(step)
            next = step.next
            if case .accepted = step.outcome { continue }
            try await handleStop(step.outcome)
        }
    }

    /// Messages framed per turn under `framing` (see `acceptUnderLock`).
    private static let messagesPerLock = 64

    private enum Acceptance { case accepted, full, failed(TransportError), needSettings(String) }

    /// What one turn under `framing` did: how far it got, why it stopped, and which drain it asks for.
    private struct Step {
        var next: Int
        var outcome: Acceptance = .accepted
        var drainNow = false
        var drainLater = false
        /// `framedBytes` with what this turn framed (stored back at the end of the turn),
        /// and `writtenBytes` as this turn last read it.
        var framed: Int
        var writtenSeen: Int
    }

    /// Frames messages from `first` on into their partitions' batches, as many as fit in the buffer,
    /// under one lock. Messages are read in place through a buffer pointer: an array's subscript
    /// would copy each one (retaining and releasing its arrays, which costs more than framing it).
    @inline(__always)
    private func acceptUnderLock(_ messages: UnsafeBufferPointer<OutgoingMessage>, from first: Int, defaultTimestamp: Int64) -> Step {
        framing.withLock { framing -> Step in
            var step = Step(next: first, framed: framedBytes.load(ordering: .relaxed), writtenSeen: writtenBytes.load(ordering: .relaxed))
            // A bounded number per turn: other senders, and a flush or linger collecting the
            // open batches, take the same lock.
            let end = min(messages.count, first + Self.messagesPerLock)
            while step.next < end {
                step.outcome = accept(MessageAddress(pointer: messages.baseAddress! + step.next), defaultTimestamp: defaultTimestamp, into: &framing, step: &step)
                guard case .accepted = step.outcome else { break }
                step.next += 1
            }
            framedBytes.store(step.framed, ordering: .relaxed)
            if framing.openBytes >= options.batchBytes && !framing.openCollectAsked {
                framing.openCollectAsked = true
                if askForDrain(collectOpen: true) { step.drainNow = true }
            } else if framing.openBytes > 0 && !framing.lingerArmed {
                framing.lingerArmed = true
                step.drainLater = true
            }
            return step
        }
    }

    /// Marks a drain as wanted; true when the caller must queue it (none is queued yet).
    private func askForDrain(collectOpen: Bool) -> Bool {
        handoff.withLock { handoff in
            if collectOpen { handoff.collectOpen = true }
            return handoff.scheduleDrain()
        }
    }

    /// Starts the drains a step asked for.
    private func startDrains(_ step: Step) {
        if step.drainNow { queue.async { self.drain() } }
        if step.drainLater {
            let delay = options.linger.components
            let nanoseconds = Int(delay.seconds) * 1_000_000_000 + Int(delay.attoseconds / 1_000_000_000)
            queue.asyncAfter(deadline: .now() + .nanoseconds(nanoseconds)) { self.drain(lingerExpired: true) }
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
            framing.withLock { $0.settings[topic] = loaded }
        case .full:
            await withCheckedContinuation { continuation in
                // The writer raises `writtenBytes` and takes the waiters under `handoff`: a
                // sender that finds the buffer full here is woken by that drain or a later one.
                let resumeNow = handoff.withLock { handoff -> Bool in
                    if bufferedBytes < options.bufferBytes || handoff.closed { return true }
                    handoff.backpressureWaits += 1
                    handoff.spaceWaiters.append(continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }
    }

    /// Frames one message into its partition's open batch, under `framing`. A batch that
    /// reaches `batchBytes` moves to `ready` (and a drain is queued for it), so that a slow
    /// writer never makes one batch grow (and be copied) without bound.
    ///
    /// The message is read in place through its address: passed by value (even `borrowing`),
    /// the closures below captured a copy of it, a retain and release of each of its arrays.
    @inline(__always)
    private func accept(_ address: MessageAddress, defaultTimestamp: Int64, into framing: inout Framing, step: inout Step) -> Acceptance {
        let message = address.pointer
        if framing.closed { return .failed(TransportError(.closed, "send on a closed producer")) }
        let topicSlot: Unmanaged<TopicBatches>
        if let last = framing.lastTopic, last._withUnsafeGuaranteedRef({ $0.name == message.pointee.topic }) {
            topicSlot = last
        } else if let known = framing.topics[message.pointee.topic] {
            topicSlot = .passUnretained(known)
            framing.lastTopic = topicSlot
        } else {
            guard let settings = framing.settings[message.pointee.topic] else { return .needSettings(message.pointee.topic) }
            let created = TopicBatches(settings: settings)
            framing.topics[message.pointee.topic] = created
            topicSlot = .passUnretained(created)
            framing.lastTopic = topicSlot
        }
        if step.framed - step.writtenSeen >= options.bufferBytes {
            // What this turn read may be stale (the writer only raises it): look again before giving up.
            step.writtenSeen = writtenBytes.load(ordering: .relaxed)
            if step.framed - step.writtenSeen >= options.bufferBytes { return .full }
        }
        // `topics` keeps the topic alive for the whole turn: use it without retaining it.
        return topicSlot._withUnsafeGuaranteedRef { topic -> Acceptance in
            let partition: Int32
            if let explicit = message.pointee.partition {
                guard explicit >= 0 && explicit < topic.partitions else {
                    return .failed(TransportError(.unknownPartition, "topic '\(message.pointee.topic)' has partitions 0..<\(topic.partitions); cannot send to \(explicit)"))
                }
                partition = explicit
            } else if let key = message.pointee.key {
                partition = Murmur2Partitioner.partition(key: key, partitions: topic.partitions)
            } else {
                framing.nextSpreadPartition &+= 1
                partition = Int32(framing.nextSpreadPartition % Int(topic.partitions))
            }
            let slot = topic.open[Int(partition)]
                ?? topic.openBatch(handoff.withLock { $0.spareBuffers.popLast() } ?? FrameBuffer(capacity: options.batchBytes + 4096), partition: Int(partition))
            let size: Int
            let filled: Int
            do {
                (size, filled) = try slot._withUnsafeGuaranteedRef { buffer in
                    (try buffer.append(timestamp: message.pointee.timestamp ?? defaultTimestamp, key: message.pointee.key, value: message.pointee.value, headers: message.pointee.headers), buffer.count)
                }
            } catch {
                return .failed(error as? TransportError ?? TransportError(.invalidArgument, "cannot frame a message for '\(message.pointee.topic)': \(error)"))
            }
            step.framed += size
            framing.openBytes += size
            framing.accepted += 1
            if filled >= options.batchBytes {
                let buffer = topic.takeBatch(Int(partition))!
                framing.openBytes -= filled
                // Booked before the writer can see the batch, so that `writtenBytes` never runs ahead of it.
                framedBytes.store(step.framed, ordering: .relaxed)
                let position = TopicPartition(topic: topic.name, partition: partition)
                let queueDrain = handoff.withLock { handoff -> Bool in
                    handoff.ready.append((position, buffer))
                    return handoff.scheduleDrain()
                }
                if queueDrain { step.drainNow = true }
            }
            return .accepted
        }
    }

    /// A message in the caller's array, read in place while `send` holds the array.
    private struct MessageAddress: @unchecked Sendable { let pointer: UnsafePointer<OutgoingMessage> }

    /// What one drain writes: the batches in order, and for a drain that collected everything,
    /// how many accepted messages that covers and whether a flush waits for an fsync.
    private struct Pass {
        var batches: [(position: TopicPartition, buffer: FrameBuffer)]
        var target: Int?
        var wantsSync = false
    }

    /// Writes what is waiting, on `queue`: the full batches, and the open ones too when a flush
    /// or the linger asks for them.
    private func drain(lingerExpired: Bool = false) {
        let steady = handoff.withLock { handoff -> Pass? in
            if handoff.collectOpen || lingerExpired { return nil }
            handoff.drainScheduled = false
            defer { handoff.ready = [] }
            return Pass(batches: handoff.ready)
        }
        let pass = steady ?? collectEverything(lingerExpired: lingerExpired)
        // Each partition's batches in the order they filled, written under one lock.
        var byPartition: [TopicPartition: [FrameBuffer]] = [:]
        var partitionOrder: [TopicPartition] = []
        for (position, batch) in pass.batches {
            if byPartition[position] == nil { partitionOrder.append(position) }
            byPartition[position, default: []].append(batch)
        }
        let bytes = pass.batches.reduce(0) { $0 + $1.buffer.count }
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
        if pass.wantsSync && options.syncOnFlush && failure == nil {
            do {
                for appender in appenders.values { try appender.sync() }
            } catch {
                failure = error as? TransportError ?? TransportError(.io, "cannot fsync: \(error)")
            }
        }
        let (spaceWaiters, done, scheduleAgain) = handoff.withLock { handoff in
            writtenBytes.store(writtenBytes.load(ordering: .relaxed) + bytes, ordering: .relaxed)
            if let target = pass.target { handoff.written = target }
            // Keep enough written buffers to refill the whole buffer without new allocations
            // (large allocations are fresh mappings: page faults on every batch).
            for (_, batch) in pass.batches where handoff.spareBuffers.count < options.bufferBytes / max(options.batchBytes, 1) {
                batch.reset()
                handoff.spareBuffers.append(batch)
            }
            if let failure, handoff.failure == nil { handoff.failure = failure }
            let spaceWaiters = handoff.spaceWaiters
            handoff.spaceWaiters = []
            var done: [(CheckedContinuation<Void, any Error>, TransportError?)] = []
            // A waiter is done once its messages are written, and synced if it asked after they were.
            let syncCovered = pass.wantsSync || !options.syncOnFlush
            let written = handoff.written
            let failure = handoff.failure
            handoff.flushWaiters.removeAll { waiter in
                guard waiter.target <= written, syncCovered || failure != nil else { return false }
                done.append((waiter.continuation, failure))
                return true
            }
            if !done.isEmpty { handoff.failure = nil }
            // A waiter still waiting needs a drain that collects everything (and fsyncs).
            if !handoff.flushWaiters.isEmpty { handoff.collectOpen = true }
            let scheduleAgain = (!handoff.ready.isEmpty || handoff.collectOpen) && handoff.scheduleDrain()
            return (spaceWaiters, done, scheduleAgain)
        }
        if scheduleAgain { queue.async { self.drain() } }
        for waiter in spaceWaiters { waiter.resume() }
        for (continuation, failure) in done {
            if let failure { continuation.resume(throwing: failure) } else { continuation.resume() }
        }
    }

    /// Takes the full batches and then every open one, under both locks, so that each
    /// partition's batches stay in order and every message accepted so far is in the pass.
    private func collectEverything(lingerExpired: Bool) -> Pass {
        framing.withLock { framing in
            if lingerExpired { framing.lingerArmed = false }
            var pass = handoff.withLock { handoff in
                handoff.collectOpen = false
                handoff.drainScheduled = false
                defer { handoff.ready = [] }
                return Pass(batches: handoff.ready, wantsSync: !handoff.flushWaiters.isEmpty)
            }
            for topic in framing.topics.values {
                for partition in topic.open.indices {
                    guard let open = topic.takeBatch(partition) else { continue }
                    pass.batches.append((TopicPartition(topic: topic.name, partition: Int32(partition)), open))
                }
            }
            framing.openBytes = 0
            framing.openCollectAsked = false
            pass.target = framing.accepted
            return pass
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
    var backpressureWaits: Int { handoff.withLock { $0.backpressureWaits } }

    func flush() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            // The target is read and the waiter registered under both locks: the drain that
            // collects everything sees either both or neither.
            let schedule = framing.withLock { framing -> Bool in
                let target = framing.accepted
                return handoff.withLock { handoff -> Bool in
                    handoff.flushWaiters.append((target, continuation))
                    handoff.collectOpen = true
                    return handoff.scheduleDrain()
                }
            }
            if schedule { queue.async { self.drain() } }
        }
    }

    func close() async throws {
        defer {
            framing.withLock { $0.closed = true }
            let waiters = handoff.withLock { handoff in
                handoff.closed = true
                let waiters = handoff.spaceWaiters
                handoff.spaceWaiters = []
                return waiters
            }
            for waiter in waiters { waiter.resume() }
        }
        var failure: (any Error)?
        do { try await flush() } catch { failure = error }
        // The appenders give back the disk blocks they reserved ahead of their writes.
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                for appender in self.appenders.values { appender.close() }
                self.appenders = [:]
                continuation.resume()
            }
        }
        if let failure { throw failure }
    }
}
