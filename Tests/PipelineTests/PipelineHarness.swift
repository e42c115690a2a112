import EmbeddedLog
import Foundation
import Materializer
import Pipeline
import TouchstoneCore
import TouchstoneTestKit
import Transport

/// A whole pipeline in a temporary folder: the bundled demo data (the seed
/// case and its variants) ingested into a real transport, every real stage run
/// until idle, and the SQLite view read back.
struct PipelineHarness {
    let root: URL
    let environment: PipelineEnvironment

    /// The demo brand profile, copied so a test may edit it.
    var brandFile: URL { environment.brandsDirectory.appendingPathComponent("aurelle.yaml") }

    static func embedded(_ name: String) throws -> PipelineHarness {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("touchstone-e2e-\(name)-\(UUID().uuidString.prefix(8))", isDirectory: true)
        let transport = try EmbeddedLogTransport(directory: root.appendingPathComponent("data/log", isDirectory: true))
        return try PipelineHarness(root: root, transport: transport)
    }

    init(root: URL, transport: any MessageTransport) throws {
        self.root = root
        let brands = root.appendingPathComponent("brands", isDirectory: true)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Demo.bundledDirectory.appendingPathComponent("brands"), to: brands)
        environment = PipelineEnvironment(transport: transport, dataDirectory: root.appendingPathComponent("data", isDirectory: true),
                                          brandsDirectory: brands)
    }

    func ingestDemo() async throws {
        try await environment.createTopics()
        _ = try await Demo.ingest(into: environment.transport)
    }

    @discardableResult
    func runUntilIdle() async throws -> [String: Int] {
        try await environment.createTopics()
        return try await PipelineRunner(stages: environment.makeAllStages()).run(untilIdle: true)
    }

    func view() throws -> ViewReader { try ViewReader(path: environment.viewPath) }

    /// Every exported finding (PRODUCT.md's export), by `platform:item_id` and brand.
    func exported(all: Bool = false) throws -> [String: ExportedFinding] {
        var out: [String: ExportedFinding] = [:]
        try view().exportFindings(FindingFilter(includeClean: all)) { finding in
            out["\(finding.platform):\(finding.itemID)"] = finding
        }
        return out
    }

    func publish(_ decision: Decision) async throws {
        let producer = try await environment.transport.makeProducer()
        try await producer.send(OutgoingMessage(topic: TopicName.decisions, key: "\(decision.platform):\(decision.itemID)",
                                                value: try TopicJSON.encode(decision)))
        try await producer.close()
    }

    func removeFiles() { try? FileManager.default.removeItem(at: root) }
}
