import Foundation
import Logging
import TouchstoneCore
import Transport

/// Materializer owns the SQLite view of findings: it consumes `findings`,
/// `alerts` and `decisions` into one SQLite file (``MaterializedView``,
/// tables in ``ViewSchema``) exactly once, and answers the queries the CLI,
/// the export and the web app ask of it (``ViewReader``). The view is a plain
/// WAL-mode SQLite file that `sqlite3` can open read-only while it is written.
///
/// Why its own consume loop rather than the shared `StageRunner`: the runner
/// commits offsets to the transport after the outputs are delivered, which is
/// at-least-once. Here the offsets are rows of the view, written in the same
/// SQLite transaction as the rows they produced, and on start the consumer is
/// moved to those offsets (not to any group's), so whatever kills the process,
/// each message is in the view exactly once.
///
/// Membership: the consumer is *standalone* (it reads every partition and
/// commits nothing to the transport), because the view file has one writer
/// and its offsets are the only progress that counts. Run one materializer
/// per view file. How far behind it is comes from ``MaterializedView/lag(on:topics:)``.
public final class Materializer: Sendable {
    /// The topics the view is made of.
    public static let inputTopics = [TopicName.findings, TopicName.alerts, TopicName.decisions]
    /// The stage name of CLI.md (`touchstone process materialize`), used in dead letters.
    public static let stageName = "materialize"

    public let view: MaterializedView
    let transport: any MessageTransport
    let batchSize: Int
    let logger: Logger

    public init(transport: any MessageTransport, view: MaterializedView, batchSize: Int = 1000, logger: Logger? = nil) {
        self.transport = transport
        self.view = view
        self.batchSize = batchSize
        self.logger = logger ?? Logger(label: "touchstone.materialize")
    }

    /// Runs a materializer over the view at `viewPath` until cancelled, or with
    /// `untilIdle` until every input topic is in the view. The entry point
    /// `touchstone process materialize` and `touchstone run` call.
    @discardableResult
    public static func run(transport: any MessageTransport, viewPath: URL, untilIdle: Bool = false, logger: Logger? = nil) async throws -> Int {
        let view = try MaterializedView(writingAt: viewPath)
        return try await Materializer(transport: transport, view: view, logger: logger).run(untilIdle: untilIdle)
    }

    /// Consumes until the task is cancelled, or, with `untilIdle`, until a poll
    /// comes back empty and the view has every message of its topics.
    /// Returns how many messages were consumed.
    @discardableResult
    public func run(untilIdle: Bool = false, pollTimeout: Duration = .milliseconds(200)) async throws -> Int {
        let consumer = try await transport.makeConsumer(topics: Self.inputTopics, membership: .standalone(start: .earliest))
        var producer: (any MessageProducer)?
        var positioned = Set<TopicPartition>()
        var consumed = 0
        do {
            while !Task.isCancelled {
                try await positionNewPartitions(consumer, positioned: &positioned)
                let batch = try await consumer.poll(maxMessages: batchSize, timeout: pollTimeout)
                if batch.isEmpty {
                    if untilIdle, try await view.lag(on: transport) == 0 { break }
                    continue
                }
                let prepared = MaterializedView.prepare(batch)
                let rejections = prepared.rejections
                if !rejections.isEmpty {
                    // Dead letters go out before the batch commits: after a crash
                    // they may be sent twice, never lost. The view records each once.
                    if producer == nil { producer = try await transport.makeProducer() }
                    try await sendDeadLetters(rejections, producer: producer!)
                }
                try await view.commit(prepared)
                consumed += batch.count
            }
        } catch {
            try? await producer?.close()
            try? await consumer.close()
            throw error
        }
        try await producer?.close()
        try await consumer.close()
        return consumed
    }

    /// Moves each newly owned partition to the view's stored offset: the
    /// view, not the transport, knows what has been applied.
    func positionNewPartitions(_ consumer: any MessageConsumer, positioned: inout Set<TopicPartition>) async throws {
        let owned = await consumer.assignment()
        let fresh = owned.subtracting(positioned)
        guard !fresh.isEmpty else { return }
        let stored = try view.storedOffsets()
        for partition in fresh.sorted() {
            if let next = stored[partition] {
                do {
                    try await consumer.seek(partition, to: .offset(next))
                } catch {
                    // The stored offset is gone (retention); re-reading from the start is
                    // safe because the view skips what it already holds.
                    logger.warning("cannot seek to the view's offset; reading from the earliest kept message",
                                   metadata: ["partition": "\(partition)", "offset": "\(next)", "error": "\(error)"])
                    try await consumer.seek(partition, to: .earliest)
                }
            }
            positioned.insert(partition)
        }
    }

    func sendDeadLetters(_ rejections: [MaterializedView.Rejection], producer: any MessageProducer) async throws {
        for rejection in rejections {
            let message = rejection.message
            logger.warning("dead letter", metadata: ["position": "\(message.position)@\(message.offset)", "reason": "\(rejection.reason)"])
            let letter = DeadLetter(
                stage: Self.stageName, reason: rejection.reason,
                topic: message.topic, partition: message.partition, offset: message.offset,
                payload: message.value, at: Timestamp.now())
            try await producer.send(OutgoingMessage(topic: TopicName.deadLetters, key: message.key, value: try TopicJSON.encode(letter)))
        }
        try await producer.flush()
    }
}
