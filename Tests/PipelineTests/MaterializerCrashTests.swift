import EmbeddedLog
import Foundation
import Materializer
import Testing
import TouchstoneCore
import Transport
#if canImport(Glibc)
import Glibc
#endif

/// Issue 7's crash test: the materializer, as its own process, is killed with
/// SIGKILL at random moments while findings stream in; after the last restart
/// the view equals a from-scratch rebuild of the same topics, row for row.
///
/// Short by default (24 kills, 2,000 findings); `TOUCHSTONE_FULL=1` runs 60 kills over 20,000.
@Suite(.serialized) struct MaterializerCrashTests {
    typealias F = MaterializerFixtures

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let binary: URL? = ["debug", "release"].lazy
        .map { packageRoot.appendingPathComponent(".build/\($0)/touchstone") }
        .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    static let full = ProcessInfo.processInfo.environment["TOUCHSTONE_FULL"] == "1"

    static func spawnMaterializer(data: URL, untilIdle: Bool = false) throws -> Process {
        let process = Process()
        process.executableURL = binary!
        process.arguments = ["materialize", "--data", data.path, "--batch-size", "25"] + (untilIdle ? ["--until-idle"] : [])
        process.standardOutput = FileHandle.nullDevice
        let errors = FileManager.default.createFile(atPath: data.appendingPathComponent("materialize.err").path, contents: nil)
        _ = errors
        process.standardError = try FileHandle(forWritingTo: data.appendingPathComponent("materialize.err"))
        try process.run()
        return process
    }

    @Test(.enabled(if: binary != nil, "needs the touchstone binary: swift build --product touchstone"),
          .timeLimit(.minutes(10)))
    func killedAtRandomTheViewStillEqualsARebuild() async throws {
        let data = F.temporaryDirectory("crash")
        let transport = try EmbeddedLogTransport(directory: data.appendingPathComponent("log", isDirectory: true))
        for spec in [TopicSpec(name: TopicName.findings, partitions: 3, cleanup: .compact), TopicSpec(name: TopicName.alerts, partitions: 2),
                     TopicSpec(name: TopicName.decisions, partitions: 2), TopicSpec(name: TopicName.deadLetters, partitions: 1)] {
            try await transport.createTopic(spec)
        }
        let kills = Self.full ? 60 : 24
        let stream = F.stream(count: Self.full ? 20_000 : 2_000, seed: 77)

        let pace = max(2, kills * 750 / (stream.count / 50))
        // Findings (with a few decisions and unreadable messages) stream in while the materializer is killed.
        let producing = Task {
            let producer = try await transport.makeProducer()
            var rng = SplitMix64(seed: 3)
            for (index, finding) in stream.enumerated() {
                try await producer.send(OutgoingMessage(topic: TopicName.findings, key: finding.item.key, value: try TopicJSON.encode(finding)))
                if index % 97 == 0 {
                    let decision = Decision(brand: "aurelle", platform: finding.item.platform, itemID: finding.item.itemID,
                                            action: Decision.Action.allCases[Int(rng.next() % 4)], at: "2026-11-28T10:00:\(String(format: "%02d", index % 60)).000Z")
                    try await DecisionTopic.publish(decision, with: producer)
                }
                if index % 501 == 0 {
                    try await producer.send(OutgoingMessage(topic: TopicName.findings, key: "bad:\(index)", value: Array("{\"schema\":1".utf8)))
                }
                if index % 50 == 49 {
                    try await producer.flush()
                    // Spread the stream over the whole kill phase (about 750 ms per kill).
                    try await Task.sleep(for: .milliseconds(pace / 2 + Int(rng.next() % UInt64(pace))))
                }
            }
            try await producer.close()
        }

        var rng = SplitMix64(seed: 11)
        var offsetsAtKill: [Int64] = []
        let viewPath = MaterializedView.path(dataDirectory: data)
        for _ in 0..<kills {
            let process = try Self.spawnMaterializer(data: data)
            try await Task.sleep(for: .milliseconds(100 + Int(rng.next() % 1200)))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal, "the materializer exited on its own: see \(data.path)/materialize.err")
            if FileManager.default.fileExists(atPath: viewPath.path) {
                offsetsAtKill.append((try? ViewReader(path: viewPath).storedOffsetTotal()) ?? -1)
            }
        }
        try await producing.value

        let last = try Self.spawnMaterializer(data: data, untilIdle: true)
        last.waitUntilExit()
        #expect(last.terminationStatus == 0, "see \(data.path)/materialize.err")

        // Progress was made between kills, so the kills landed while the view was being written.
        let distinctProgress = Set(offsetsAtKill).count
        #expect(distinctProgress >= kills / 3, "offsets at each kill: \(offsetsAtKill)")

        print("crash test: \(kills) kills with SIGKILL while \(stream.count) findings streamed in; view offsets at each kill: \(offsetsAtKill)")
        let rebuiltPath = data.appendingPathComponent("rebuilt.sqlite")
        try await Materializer.run(transport: transport, viewPath: rebuiltPath, untilIdle: true)
        let live = try MaterializedView(writingAt: viewPath).dump()
        let rebuilt = try MaterializedView(writingAt: rebuiltPath).dump()
        for table in ViewSchema.tables {
            #expect(live[table] == rebuilt[table], "table \(table) differs after \(kills) kills")
        }
        #expect((live["items"]?.count ?? 0) > 100)
        print("crash test: live view equals the rebuild in all \(ViewSchema.tables.count) tables (\(live.values.reduce(0) { $0 + $1.count }) rows)")
        let lag = try await MaterializedView(writingAt: viewPath).lag(on: transport)
        #expect(lag == 0)
        if ProcessInfo.processInfo.environment["TOUCHSTONE_KEEP"] == nil { try? FileManager.default.removeItem(at: data) } else { print("kept \(data.path)") }
    }
}

extension ViewReader {
    /// The sum of the stored next offsets: how far the view has got, as one number.
    func storedOffsetTotal() throws -> Int64 {
        try dump()["consumer_offsets"]?.compactMap { row in
            row.split(separator: "|").first { $0.hasPrefix("next_offset=") }.flatMap { Int64($0.dropFirst("next_offset=".count)) }
        }.reduce(0, +) ?? 0
    }
}
