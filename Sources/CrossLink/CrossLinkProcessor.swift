import Foundation
import Logging
import StreamProcessing
import TouchstoneCore
import Transport

/// The cross-link stage: consumes `items.matched`, produces `findings` (keyed by item key).
///
/// ## Finding links whichever partition an item lands on
///
/// A link can join any two items, whatever their keys, so the state that finds
/// links is global: cross-link runs as **one instance that owns every partition**
/// of `items.matched` (a consumer group with a single member). Its state is one
/// SQLite file under `--data` holding every item's link keys, pictures, edges
/// and cluster, so two items link whichever partition each came from and however
/// far apart in time they arrive, in either order. A second process on the same
/// state is refused by a file lock; see runbooks/cross-link.md for failover and
/// for why repartitioning by link key was not chosen (clusters are connected
/// components over every key space, a global question that repartitioning alone
/// does not answer). Measured capacity is in the runbook (`touchstone-bench cross-link`).
///
/// ## State that survives restarts
///
/// The state of a batch is committed in ``batchDidComplete(_:)``, after the
/// batch's findings were delivered and before the consumer commits its offsets,
/// together with those offsets (`input_offset`). A crash before that commit
/// loses the batch's state and its offsets alike: the group redelivers it.
/// A crash after it and before the consumer's commit redelivers a batch the
/// state already reflects: taking in an unchanged item again changes nothing
/// and re-emits the same findings, so redelivery is harmless (and a deliberate
/// replay from an earlier offset works the same way).
public actor CrossLinkProcessor: StreamProcessor {
    public nonisolated let stageName = "cross-link"
    public nonisolated let inputTopics = [TopicName.itemsMatched]
    public nonisolated let outputTopics = [TopicName.findings, TopicName.deadLetters]

    let engine: CrossLinkEngine
    let logger: Logger

    /// - Parameters:
    ///   - statePath: the SQLite state file (conventionally ``statePath(dataDirectory:)``); nil keeps it in memory.
    public init(statePath: String?, configuration: CrossLinkEngine.Configuration = .init(), logger: Logger? = nil) throws {
        self.engine = try CrossLinkEngine(path: statePath, configuration: configuration)
        self.logger = logger ?? Logger(label: "touchstone.cross-link")
    }

    /// The conventional state file under a data directory: `<data>/state/cross-link/state.sqlite`.
    public static func statePath(dataDirectory: URL) -> String {
        dataDirectory.appendingPathComponent("state/cross-link", isDirectory: true).appendingPathComponent("state.sqlite").path
    }

    public func process(_ message: ConsumedMessage) async throws -> [OutgoingMessage] {
        let item: Item
        do {
            item = try TopicJSON.decode(Item.self, from: message.value)
        } catch {
            throw StageError("not a canonical item (\(message.topic)[\(message.partition)]@\(message.offset)): \(Self.describe(error))")
        }
        guard !item.platform.isEmpty else { throw StageError("the item has an empty platform", field: "platform") }
        guard !item.itemID.isEmpty else { throw StageError("the item has an empty item_id", field: "item_id") }
        return try ingest(item).map { findings in
            OutgoingMessage(topic: TopicName.findings, key: findings.item.key, value: try TopicJSON.encode(findings))
        }
    }

    /// Takes in an item as a plain value (tests, benchmarks).
    public func ingest(_ item: Item) throws -> [ItemFindings] {
        try engine.ingest(item)
    }

    public func batchDidComplete(_ offsets: [TopicPartition: Int64]) async throws {
        try engine.commit(offsets: offsets)
    }

    /// Commits what was taken in so far (tests and tools that do not go through a ``StageRunner``).
    public func checkpoint(_ offsets: [TopicPartition: Int64] = [:]) throws {
        try engine.commit(offsets: offsets)
    }

    public func reflectedOffsets() throws -> [TopicPartition: Int64] {
        try engine.reflectedOffsets()
    }

    /// Entries in the in-memory index of handle variants (benchmarks report it).
    public var handleVariantCount: Int { engine.handleVariantCount }

    public func findings(forKey key: String) throws -> ItemFindings? {
        try engine.findings(forKey: key)
    }

    static func describe(_ error: Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing field \((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
