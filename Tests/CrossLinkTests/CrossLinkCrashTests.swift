import EmbeddedLog
import Foundation
import StreamProcessing
import Testing
import TouchstoneCore
import Transport
@testable import CrossLink

#if canImport(Glibc)
import Glibc
#endif

/// Cross-link as its own process on the embedded log, killed with `kill -9` and
/// restarted: a new item still links to one seen before the kill.
///
/// The worker process is this test binary again, running only
/// ``crossLinkWorker()`` with `TOUCHSTONE_CROSSLINK_WORKER=<folder>`, so the test
/// needs no CLI wiring.
@Suite(.serialized) struct CrossLinkCrashTests {
    static let workerVariable = "TOUCHSTONE_CROSSLINK_WORKER"

    /// Runs cross-link on the folder's embedded log until killed. A no-op in a normal test run.
    @Test func crossLinkWorker() async throws {
        guard let folder = ProcessInfo.processInfo.environment[Self.workerVariable] else { return }
        let directory = URL(fileURLWithPath: folder, isDirectory: true)
        let transport = try EmbeddedLogTransport(directory: directory.appendingPathComponent("log", isDirectory: true))
        let stage = try CrossLinkProcessor(statePath: CrossLinkProcessor.statePath(dataDirectory: directory))
        try await StageRunner(processor: stage, transport: transport, batchSize: 50).run()
    }

    static func startWorker(_ directory: URL, name: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = ["--testing-library", "swift-testing", "--filter", "CrossLinkCrashTests/crossLinkWorker"]
        var environment = ProcessInfo.processInfo.environment
        environment[workerVariable] = directory.path
        process.environment = environment
        let log = directory.appendingPathComponent("\(name).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: log)
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        return process
    }

    static func kill9(_ process: Process) {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    static func waitUntil(_ what: String, timeout: Duration = .seconds(120), _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while try await !condition() {
            guard ContinuousClock.now < deadline else { throw CrossLinkError("timed out after \(timeout) waiting until \(what)") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    @Test func killedWithSigkillAndRestartedStillLinks() async throws {
        guard ProcessInfo.processInfo.environment[Self.workerVariable] == nil else { return }
        let directory = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let transport = try await EmbeddedLogPipelineTests.transport(directory)

        // Many unrelated items and the post, in several partitions.
        var items: [(Item, Int32)] = (0..<300).map { index in
            (Fixture.item("etsy", "\(1000 + index)", kind: .listing, text: "bangle \(index)",
                          pictures: [Fixture.picture(SHA256Hex.of(Array("bulk \(index)".utf8)))]), Int32(index % 4))
        }
        items.insert((Fixture.instagramPost, 3), at: 150)
        try await EmbeddedLogPipelineTests.publish(items, to: transport)

        let first = try Self.startWorker(directory, name: "worker-1")
        // Kill it once it has committed part of the work, while it may be in the middle of a batch.
        try await Self.waitUntil("cross-link has committed some of its input") {
            let committed = try await transport.committedOffsets(group: "touchstone-cross-link", topic: TopicName.itemsMatched)
            return committed.values.reduce(0, +) >= 100
        }
        Self.kill9(first)

        let second = try Self.startWorker(directory, name: "worker-2")
        defer { Self.kill9(second) }
        try await Self.waitUntil("the restarted cross-link caught up") {
            try await transport.lag(group: "touchstone-cross-link", topic: TopicName.itemsMatched) == 0
        }
        // The listing arrives after the restart, in another partition than the post.
        try await EmbeddedLogPipelineTests.publish([(Fixture.amazonListing, 0)], to: transport)
        var listing: ItemFindings?
        try await Self.waitUntil("the listing's findings are published") {
            let findings = try await EmbeddedLogPipelineTests.readAll(TopicName.findings, as: ItemFindings.self, from: transport)
            listing = findings.last { $0.item.key == "amazon:B0C1234567" }
            return listing != nil
        }
        #expect(listing?.verdicts.first?.severity ?? .none >= .high)
        #expect(listing?.linked == [LinkedItem(platform: "instagram", itemID: "17895695668004550")])
        let log = (try? String(contentsOf: directory.appendingPathComponent("worker-2.log"), encoding: .utf8)) ?? ""
        #expect(!log.contains("dead letter"), "\(log)")
    }
}
