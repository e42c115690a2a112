import TouchstoneCore
import Transport

/// Re-derives everything downstream of a stage after a rule change.
///
/// The stage's consumer group is moved back to the start of its inputs (or to
/// the first message at or after `since`). When it runs again it re-judges
/// every item with the current rules and publishes a new message per item;
/// the stages after it consume those like any other update: every topic from
/// `items` on is keyed by item, and the newest message for an item replaces
/// the older ones (cross-link's state, the alert dedupe table and the SQLite
/// view are all keyed that way). So a finding that no longer holds is
/// retracted downstream, and the end state equals a fresh run with the new
/// rules, without re-reading stale messages downstream. Human decisions live
/// on `decisions`, which no stage re-derives.
///
/// The stage must not be running while its offsets move (Kafka refuses to
/// reset a group with live members; the embedded log would race the owner).
public enum Replay {
    public struct Reset: Sendable, Hashable {
        public var group: String
        public var topic: String
        public var position: StartPosition
    }

    /// Resets `stage`'s consumer group on each of its inputs. Returns what was reset.
    @discardableResult
    public static func reset(from stage: StageName, sinceMilliseconds since: Int64?, transport: any MessageTransport) async throws -> [Reset] {
        let position: StartPosition = since.map { .timestamp($0) } ?? .earliest
        var done: [Reset] = []
        let existing = Set(try await transport.describeTopics().map(\.name))
        for topic in stage.inputTopics where existing.contains(topic) {
            try await transport.resetOffsets(group: stage.consumerGroup, topic: topic, to: position)
            done.append(Reset(group: stage.consumerGroup, topic: topic, position: position))
        }
        return done
    }
}

extension PipelineEnvironment {
    /// Resets `stage` for a replay; see ``Replay``.
    @discardableResult
    public func replay(from stage: StageName, sinceMilliseconds: Int64?) async throws -> [Replay.Reset] {
        try await Replay.reset(from: stage, sinceMilliseconds: sinceMilliseconds, transport: transport)
    }

    /// Creates every topic of the catalog (`./topics`, else the built-in
    /// definitions) that does not exist yet.
    public func createTopics() async throws {
        for definition in try TopicCatalog.standard() {
            try await transport.createTopic(definition.spec)
        }
    }
}
