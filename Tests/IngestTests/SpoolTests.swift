import EmbeddedLog
import Foundation
import Testing
import TouchstoneCore
import Transport

/// `touchstone ingest --watch DIR` as a real process, killed with SIGKILL at
/// random moments while files are dropped, and restarted: every line of every
/// file ends up on the raw topics (or dead-letters) exactly once.
@Suite struct SpoolTests {
    static var binary: String? {
        if let path = ProcessInfo.processInfo.environment["TOUCHSTONE_BIN"] { return path }
        var folder = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("touchstone").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            folder.deleteLastPathComponent()
        }
        let fallback = FileManager.default.currentDirectoryPath + "/.build/debug/touchstone"
        return FileManager.default.isExecutableFile(atPath: fallback) ? fallback : nil
    }

    static var kills: Int { ProcessInfo.processInfo.environment["TOUCHSTONE_FULL"] == "1" ? 30 : 12 }

    @Test func everyLineExactlyOnceAcrossKills() async throws {
        let binary = try #require(Self.binary, "build the touchstone executable first (swift build), or set TOUCHSTONE_BIN")
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("touchstone-spool-\(UUID().uuidString)")
        let spool = root.appendingPathComponent("spool")
        let data = root.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: spool, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }

        var rng = SplitMix64(seed: 0x5b00_1fee)
        var expected: [String: Int] = [:] // source path -> line count
        let platforms = ["amazon", "instagram", "ebay", "x", "etsy", "shopify", "tiktok", "pinterest", "aliexpress", "generic"]
        var fileIndex = 0
        func dropFile() throws {
            let platform = platforms[fileIndex % platforms.count]
            let lines = 1500 + Int(rng.next() % 2500)
            var text = ""
            let samples = Fixtures.all.filter { $0.platform == platform }.map(\.line)
            for n in 1...lines {
                if n % 97 == 0 {
                    text += "not json \(n)\n"
                } else {
                    text += samples[n % samples.count] + "\n"
                }
            }
            let gzip = fileIndex % 4 == 3
            let name = "\(platform)-\(fileIndex).ndjson" + (gzip ? ".gz" : "")
            let temporary = spool.appendingPathComponent(".\(name).tmp")
            try Data(text.utf8).write(to: temporary)
            if gzip { try Self.gzip(temporary) }
            try FileManager.default.moveItem(at: temporary, to: spool.appendingPathComponent(name))
            expected[spool.appendingPathComponent(name).standardizedFileURL.path] = lines
            fileIndex += 1
        }

        for _ in 0..<3 { try dropFile() }
        for _ in 0..<Self.kills {
            let process = try Self.start(binary, ["ingest", "--watch", spool.path, "--data", data.path, "--batch-lines", "300"])
            try await Task.sleep(for: .milliseconds(Int64(150 + rng.next() % 900)))
            try dropFile()
            try await Task.sleep(for: .milliseconds(Int64(rng.next() % 300)))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal)
        }
        // A last run to the end.
        let final = try Self.start(binary, ["ingest", "--watch", spool.path, "--data", data.path, "--until-empty"])
        final.waitUntilExit()
        #expect(final.terminationStatus == 0)

        let done = try FileManager.default.contentsOfDirectory(atPath: spool.appendingPathComponent("done").path)
        #expect(done.count == expected.count)

        let transport = try EmbeddedLogTransport(directory: data.appendingPathComponent("log"))
        var seen: [String: [Int: Int]] = [:]
        for topic in [TopicName.rawPosts, TopicName.rawListings, TopicName.deadLetters] {
            for message in try await readAll(transport, topic: topic) {
                guard let source = message.header(RawHeader.source)?.text, let line = message.header(RawHeader.line).flatMap({ Int($0.text) }) else {
                    Issue.record("message without source/line on \(topic)")
                    continue
                }
                seen[source, default: [:]][line, default: 0] += 1
            }
        }
        for (source, lines) in expected {
            let counts = seen[source] ?? [:]
            let missing = (1...lines).filter { counts[$0] == nil }
            let duplicated = counts.filter { $0.value > 1 }.map(\.key).sorted()
            #expect(missing.isEmpty, "\(source): \(missing.count) lines missing, first \(missing.prefix(5))")
            #expect(duplicated.isEmpty, "\(source): \(duplicated.count) lines published more than once, first \(duplicated.prefix(5))")
            #expect(counts.count == lines)
        }
        #expect(Set(seen.keys) == Set(expected.keys))
    }

    static func start(_ binary: String, _ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    static func gzip(_ file: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-c", file.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let compressed = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try compressed.write(to: file)
    }
}
