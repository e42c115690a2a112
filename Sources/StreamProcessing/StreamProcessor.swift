import TouchstoneCore
import Transport

/// StreamProcessing owns what every stage shares: the ``StreamProcessor``
/// contract (one input message in, output messages out, no transport in
/// sight) and the ``StageRunner`` loop that consumes, processes, produces,
/// routes failures to `dead-letters`, and commits only after the outputs are
/// delivered. A stage is written once and runs on either transport.

/// A stage's pure core: it turns one input message into output messages.
///
/// Implementations keep whatever state they need (cross-link's clusters, the
/// alert dedupe table) but do no topic I/O: the ``StageRunner`` does that.
/// Throwing a ``StageError`` (or any error) sends the input to `dead-letters`
/// with the error's description as the reason; processing goes on.
public protocol StreamProcessor: Sendable {
    /// The stage name of CLI.md (`normalize`, `hash-images`, ...). The consumer group is `touchstone-<name>`.
    var stageName: String { get }
    /// The topics this stage consumes.
    var inputTopics: [String] { get }
    /// Every topic it may produce to (so they can be created before the stage starts).
    var outputTopics: [String] { get }
    func process(_ message: ConsumedMessage) async throws -> [OutgoingMessage]
    /// Called after each batch's outputs are delivered and before its offsets
    /// are committed, so that durable state can record what it reflects.
    func batchDidComplete(_ offsets: [TopicPartition: Int64]) async throws
}

extension StreamProcessor {
    public var consumerGroup: String { "touchstone-\(stageName)" }
    public func batchDidComplete(_ offsets: [TopicPartition: Int64]) async throws {}
}

/// A refusal a stage can explain: what is wrong and where.
public struct StageError: Error, CustomStringConvertible, Sendable {
    public var reason: String
    /// JSON path of the offending field, when one is to blame.
    public var field: String?

    public init(_ reason: String, field: String? = nil) {
        self.reason = reason
        self.field = field
    }

    public var description: String {
        if let field { return "\(field): \(reason)" }
        return reason
    }
}
