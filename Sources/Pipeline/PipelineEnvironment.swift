import Foundation
import StreamProcessing
import TouchstoneCore
import Transport

/// Everything a stage needs to be built: where messages live, where local
/// state lives, and where the brand profiles are.
public struct PipelineEnvironment: Sendable {
    public var transport: any MessageTransport
    /// `--data`: the embedded log (when it is the transport), the SQLite view, stage state, caches.
    public var dataDirectory: URL
    /// `--brands`: the brand watch profiles.
    public var brandsDirectory: URL

    public init(transport: any MessageTransport, dataDirectory: URL, brandsDirectory: URL) {
        self.transport = transport
        self.dataDirectory = dataDirectory
        self.brandsDirectory = brandsDirectory
    }

    /// Where a stage keeps its local state (caches, cross-link's store).
    public func stateDirectory(for stage: StageName) -> URL {
        dataDirectory.appendingPathComponent("state", isDirectory: true).appendingPathComponent(stage.rawValue, isDirectory: true)
    }
}

public struct PipelineError: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
