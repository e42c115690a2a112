import CRDKafka
import Transport

/// KafkaTransport runs the same topics on any Apache Kafka compatible cluster
/// through librdkafka: an idempotent producer, consumer groups with manual
/// commits, and admin calls for topics and offset resets.
///
/// SCAFFOLD: the implementation is being written (issue 2); every call throws for now.
public final class KafkaMessageTransport: MessageTransport {
    public let bootstrapServers: String
    public let config: [String: String]

    /// - Parameters:
    ///   - bootstrapServers: `host:port[,host:port...]`.
    ///   - config: extra librdkafka properties (`--kafka-config key=value`).
    public init(bootstrapServers: String, config: [String: String] = [:]) throws {
        self.bootstrapServers = bootstrapServers
        self.config = config
    }

    public func createTopic(_ spec: TopicSpec) async throws { throw TransportError(.broker, "kafka transport not implemented yet") }
    public func describeTopics() async throws -> [TopicDescription] { throw TransportError(.broker, "kafka transport not implemented yet") }
    public func makeProducer() async throws -> any MessageProducer { throw TransportError(.broker, "kafka transport not implemented yet") }
    public func makeConsumer(topics: [String], membership: ConsumerMembership) async throws -> any MessageConsumer { throw TransportError(.broker, "kafka transport not implemented yet") }
    public func committedOffsets(group: String, topic: String) async throws -> [Int32: Int64] { throw TransportError(.broker, "kafka transport not implemented yet") }
    public func resetOffsets(group: String, topic: String, to position: StartPosition) async throws { throw TransportError(.broker, "kafka transport not implemented yet") }
    public func listGroups() async throws -> [String] { throw TransportError(.broker, "kafka transport not implemented yet") }
}
