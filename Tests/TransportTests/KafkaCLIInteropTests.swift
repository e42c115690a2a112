import Foundation
import KafkaTransport
import Testing
import TouchstoneTestKit
import Transport

/// Interop at the command line: `touchstone topics produce --broker kafka://…`
/// is read back identically by kcat, and what kcat produces is printed by
/// `touchstone topics tail`.
@Suite(.enabled(if: kafkaSkipReason == nil && FileManager.default.isExecutableFile(atPath: kcatPath),
                Comment(rawValue: kafkaSkipReason ?? "kcat is not installed (apt-get install kcat)")), .serialized)
struct KafkaCLIInteropTests {
    func workDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("touchstone-kafka-cli-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func kcatReadsWhatTopicsProducePublishes() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let directory = try workDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let topic = uniqueTopic("cli-produce")
        let created = try await TouchstoneProcess.run(["topics", "create", topic, "--partitions", "3", "--broker", broker.url], in: directory, name: "create")
        #expect(created.status == 0, "topics create failed: \(created.stderr)")

        let lines = (0..<25).map { #"{"id":"seller-\#($0)","n":\#($0),"text":"Cartier ✓ né \#($0)"}"# }
        let input = directory.appendingPathComponent("in.ndjson")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: input)
        let produced = try await TouchstoneProcess.run(["topics", "produce", topic, "--key-field", "id", "--header", "origin=touchstone", "--broker", broker.url],
                                                       in: directory, name: "produce", stdin: input)
        #expect(produced.status == 0, "topics produce failed: \(produced.stderr)")

        let read = try runProgram(kcatPath, ["-b", broker.bootstrapServers, "-C", "-t", topic, "-o", "beginning", "-e", "-q", "-J"])
        #expect(read.status == 0, "kcat failed: \(read.stderr)")
        let records = try String(decoding: read.stdout, as: UTF8.self).split(separator: "\n").map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(records.count == lines.count)
        let byKey = Dictionary(uniqueKeysWithValues: records.map { ($0["key"] as? String ?? "", $0) })
        for (i, line) in lines.enumerated() {
            let record = try #require(byKey["seller-\(i)"])
            #expect(record["payload"] as? String == line)
            #expect(record["headers"] as? [String] == ["origin", "touchstone"])
            #expect((record["partition"] as? NSNumber)?.int32Value == Murmur2Partitioner.partition(key: Array("seller-\(i)".utf8), partitions: 3))
        }
    }

    @Test func topicsTailPrintsWhatKcatProduces() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        let directory = try workDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let topic = uniqueTopic("cli-tail")
        let created = try await TouchstoneProcess.run(["topics", "create", topic, "--partitions", "2", "--broker", broker.url], in: directory, name: "create")
        #expect(created.status == 0, "topics create failed: \(created.stderr)")

        let values = (0..<30).map { #"{"n":\#($0),"note":"from kcat ✓"}"# }
        let input = Data((values.enumerated().map { "k\($0.offset)|\($0.element)" }.joined(separator: "\n") + "\n").utf8)
        let produced = try runProgram(kcatPath, ["-b", broker.bootstrapServers, "-P", "-t", topic, "-K", "|"], stdin: input)
        #expect(produced.status == 0, "kcat failed: \(produced.stderr)")

        let tailed = try await TouchstoneProcess.run(["topics", "tail", topic, "--from-beginning", "--exit-at-end", "--broker", broker.url],
                                                     in: directory, name: "tail")
        #expect(tailed.status == 0, "topics tail failed: \(tailed.stderr)")
        let printed = tailed.stdout.split(separator: "\n").map(String.init)
        #expect(printed.count == values.count)
        #expect(Set(printed) == Set(values))
    }
}
