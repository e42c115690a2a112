import EmbeddedLog
import Foundation
import Materializer
import Testing
import TouchstoneCore
import Transport

/// The CLI over a real embedded log, as separate processes: `materialize`,
/// `findings`, `export findings`, `decide`.
@Suite struct MaterializerCLITests {
    typealias F = MaterializerFixtures

    @discardableResult
    static func touchstone(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = MaterializerCrashTests.binary!
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: error, as: UTF8.self))
    }

    @Test(.enabled(if: MaterializerCrashTests.binary != nil, "needs the touchstone binary"))
    func exportFindingsAndDecideThroughTheCLI() async throws {
        let data = F.temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: data) }
        let transport = try EmbeddedLogTransport(directory: data.appendingPathComponent("log", isDirectory: true))
        for spec in [TopicSpec(name: TopicName.findings, partitions: 3), TopicSpec(name: TopicName.alerts, partitions: 1),
                     TopicSpec(name: TopicName.decisions, partitions: 2), TopicSpec(name: TopicName.deadLetters, partitions: 1)] {
            try await transport.createTopic(spec)
        }
        let producer = try await transport.makeProducer()
        for finding in F.seedCase() + [F.clean("amazon", "B0BOTTLE123")] {
            try await producer.send(OutgoingMessage(topic: TopicName.findings, key: finding.item.key, value: try TopicJSON.encode(finding)))
        }
        try await producer.close()

        let noView = try Self.touchstone(["export", "findings", "--data", data.path])
        #expect(noView.status == 1)
        #expect(noView.err.contains("no findings view"))

        #expect(try Self.touchstone(["materialize", "--data", data.path, "--until-idle"]).status == 0)
        let export = try Self.touchstone(["export", "findings", "--data", data.path])
        #expect(export.status == 0)
        let lines = export.out.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { $0.hasPrefix(#"{"brand":"aurelle","platform":"#) })
        #expect(try Self.touchstone(["export", "findings", "--data", data.path, "--all"]).out.split(separator: "\n").count == 3)
        #expect(try Self.touchstone(["export", "findings", "--data", data.path, "--brand", "other"]).out.isEmpty)

        let table = try Self.touchstone(["findings", "--data", data.path, "--platform", "amazon"])
        #expect(table.status == 0)
        #expect(table.out.contains("B0DMQX7Z41") && table.out.contains("SEVERITY"))
        #expect(!table.out.contains("17895695668004550  "))

        let decide = try Self.touchstone(["decide", "dismiss", "--data", data.path, "--brand", "aurelle", "--platform", "amazon",
                                          "--item", "B0DMQX7Z41", "--note", "test buy was genuine"])
        #expect(decide.status == 0, "\(decide.err)")
        #expect(try Self.touchstone(["materialize", "--data", data.path, "--until-idle"]).status == 0)
        let after = try Self.touchstone(["export", "findings", "--data", data.path])
        #expect(after.out.split(separator: "\n").count == 1, "a dismissed finding leaves the default export")
        #expect(try Self.touchstone(["findings", "--data", data.path]).out.contains("dismissed"))

        let usage = try Self.touchstone(["decide", "nuke", "--data", data.path, "--brand", "a", "--platform", "p", "--item", "i"])
        #expect(usage.status != 0 && usage.status != 1)
        #expect(usage.err.contains("ACTION must be one of"))
    }
}
