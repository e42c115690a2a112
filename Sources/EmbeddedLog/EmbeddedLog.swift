import Foundation
import Transport

/// EmbeddedLog is the default transport: a partitioned, append-only log of
/// message files under `--data`, crash-safe and shared by processes on one
/// machine. No server to install.
///
/// SCAFFOLD: the implementation is being written (issue 2); every call throws for now.
public final class EmbeddedLogTransport: MessageTransport {
    public let directory: URL

    public init(directory: URL) throws {
        self.directory = directory
    }

    public func createTopic(_ spec: TopicSpec) async throws { throw TransportError(.io, "embedded log not implemented yet") }
    public func describeTopics() async throws -> [TopicDescription] { throw TransportError(.io, "embedded log not implemented yet") }
    public func makeProducer() async throws -> any MessageProducer { throw TransportError(.io, "embedded log not implemented yet") }
    public func makeConsumer(topics: [String], membership: ConsumerMembership) async throws -> any MessageConsumer { throw TransportError(.io, "embedded log not implemented yet") }
    public func committedOffsets(group: String, topic: String) async throws -> [Int32: Int64] { throw TransportError(.io, "embedded log not implemented yet") }
    public func resetOffsets(group: String, topic: String, to position: StartPosition) async throws { throw TransportError(.io, "embedded log not implemented yet") }
    public func listGroups() async throws -> [String] { throw TransportError(.io, "embedded log not implemented yet") }
}
