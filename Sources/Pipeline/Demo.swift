import Foundation
import Ingest
import Materializer
import TouchstoneCore
import Transport

/// `touchstone demo`: the main job on the bundled example data (the fictional
/// brand Aurelle, posts and listings on several platforms with the seed case
/// among them): ingest, run every stage until idle, report what was found.
public enum Demo {
    /// The bundled data: `brands/` (profile and reference pictures) and `messages/` (NDJSON per platform).
    public static var bundledDirectory: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Demo", isDirectory: true)
    }

    /// Marks a data folder as the demo's own, so a later demo may clear it.
    static let marker = ".touchstone-demo"

    /// Prepares `dataDirectory` for a demo run: a folder the demo made before is
    /// cleared; an empty or missing one is used; any other is refused, so a demo
    /// never mixes with (or deletes) real data.
    public static func prepare(dataDirectory: URL) throws {
        let files = FileManager.default
        let contents = (try? files.contentsOfDirectory(atPath: dataDirectory.path)) ?? []
        if !contents.isEmpty {
            guard contents.contains(marker) else {
                throw PipelineError("\(dataDirectory.path) already holds data that the demo did not write; give the demo an empty folder with --data")
            }
            try files.removeItem(at: dataDirectory)
        }
        try files.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        try Data("This folder was written by `touchstone demo`; the next demo clears it.\n".utf8)
            .write(to: dataDirectory.appendingPathComponent(marker))
    }

    /// Publishes every bundled message file to the raw topics.
    public static func ingest(into transport: any MessageTransport, from directory: URL = bundledDirectory) async throws -> IngestCounts {
        let messages = directory.appendingPathComponent("messages", isDirectory: true)
        let files = try FileManager.default.contentsOfDirectory(atPath: messages.path)
            .filter { $0.hasSuffix(".ndjson") || $0.hasSuffix(".ndjson.gz") }.sorted()
        let producer = try await transport.makeProducer()
        let ingester = FileIngester(producer: producer)
        var total = IngestCounts()
        for file in files {
            let path = messages.appendingPathComponent(file).path
            guard let platform = Ingest.platform(fromFileName: file) else {
                throw PipelineError("\(path): the file name does not start with a platform name")
            }
            total = total + (try await ingester.ingest(path: path, platform: platform, context: nil))
        }
        try await producer.close()
        return total
    }

    /// Messages on `dead-letters`.
    public static func deadLetterCount(_ transport: any MessageTransport) async throws -> Int64 {
        guard let topic = try await transport.describeTopics().first(where: { $0.name == TopicName.deadLetters }) else { return 0 }
        return topic.partitions.reduce(0) { $0 + ($1.high - $1.low) }
    }
}
