import Logging
import TouchstoneCore
import Transport

/// Runs one ``StreamProcessor`` against a transport as a member of its
/// consumer group: poll a batch, process each message, send the outputs (and
/// dead letters), flush, then commit. Delivery is at-least-once; stages are
/// written so that reprocessing a message gives the same outputs.
public final class StageRunner: Sendable {
    public let processor: any StreamProcessor
    let transport: any MessageTransport
    let logger: Logger
    let batchSize: Int

    public init(processor: any StreamProcessor, transport: any MessageTransport, batchSize: Int = 500, logger: Logger? = nil) {
        self.processor = processor
        self.transport = transport
        self.batchSize = batchSize
        self.logger = logger ?? Logger(label: "touchstone.\(processor.stageName)")
    }

    /// Consumes until the task is cancelled, or, with `untilIdle`, until a poll
    /// comes back empty and the group has no lag left on its inputs.
    /// Returns how many input messages were processed.
    @discardableResult
    public func run(untilIdle: Bool = false, pollTimeout: Duration = .milliseconds(200)) async throws -> Int {
        let stop: (@Sendable () async -> Bool)? = untilIdle ? { @Sendable in true } : nil
        return try await run(stopWhenIdle: stop, pollTimeout: pollTimeout)
    }

    /// Consumes until the task is cancelled or, when `stopWhenIdle` is given,
    /// until a poll comes back empty, the group has no lag left on its inputs
    /// and `stopWhenIdle` answers true (in a pipeline: every upstream stage has
    /// stopped, so nothing more can arrive).
    ///
    /// `outputsDelivered` runs once the stage has stopped and every output is
    /// delivered and committed, before the consumer leaves its group: on Kafka a
    /// leave can take seconds, and stages downstream need not wait for it.
    @discardableResult
    public func run(stopWhenIdle: (@Sendable () async -> Bool)?, pollTimeout: Duration = .milliseconds(200),
                    outputsDelivered: (@Sendable () async -> Void)? = nil) async throws -> Int {
        let consumer = try await transport.makeConsumer(
            topics: processor.inputTopics, membership: .group(processor.consumerGroup, start: .earliest))
        let producer = try await transport.makeProducer()
        var processed = 0
        do {
            while !Task.isCancelled {
                let batch = try await consumer.poll(maxMessages: batchSize, timeout: pollTimeout)
                if batch.isEmpty {
                    if let stopWhenIdle, await stopWhenIdle(), try await isIdle() { break }
                    continue
                }
                var next: [TopicPartition: Int64] = [:]
                for message in batch {
                    try await handle(message, producer: producer)
                    next[message.position] = message.offset + 1
                }
                try await producer.flush()
                try await processor.batchDidComplete(next)
                try await consumer.commit(next)
                processed += batch.count
            }
        } catch {
            try? await producer.close()
            try? await consumer.close()
            throw error
        }
        try await producer.close()
        await outputsDelivered?()
        try await consumer.close()
        return processed
    }

    /// Processes one message; a failure becomes a dead letter instead of stopping the stage.
    func handle(_ message: ConsumedMessage, producer: any MessageProducer) async throws {
        let outputs: [OutgoingMessage]
        do {
            outputs = try await processor.process(message)
        } catch let error as CancellationError {
            throw error
        } catch {
            let stageError = error as? StageError
            logger.warning("dead letter", metadata: ["position": "\(message.position)@\(message.offset)", "reason": "\(error)"])
            let letter = DeadLetter(
                stage: processor.stageName,
                reason: stageError?.reason ?? "\(error)",
                field: stageError?.field,
                source: message.header(RawHeader.source)?.text,
                line: message.header(RawHeader.line).flatMap { Int($0.text) },
                topic: message.topic, partition: message.partition, offset: message.offset,
                payload: message.value, at: Timestamp.now())
            try await producer.send(OutgoingMessage(
                topic: TopicName.deadLetters, key: message.key, value: try TopicJSON.encode(letter)))
            return
        }
        try await producer.send(contentsOf: outputs)
    }

    func isIdle() async throws -> Bool {
        for topic in processor.inputTopics where try await transport.lag(group: processor.consumerGroup, topic: topic) > 0 {
            return false
        }
        return true
    }
}
