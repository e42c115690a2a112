import ArgumentParser
import EmbeddedLog
import Foundation
import Ingest
import Normalize
import StreamProcessing
import TouchstoneCore
import Transport

/// `touchstone-bench ingest`: ingest + normalize of mixed-platform lines,
/// against a bare JSON parse of the same lines in the same run (the floor).
struct IngestBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Ingest + normalize of mixed platforms vs a bare JSON parse of the same lines.")

    @Option(help: "How many lines (items of mixed platforms).")
    var lines = 100_000

    @Flag(name: .customLong("skip-log"), help: "Skip the end-to-end run through the embedded log.")
    var skipLog = false

    @Option(help: "Rounds of parse and ingest + normalize, taken in turn.")
    var rounds = 7

    @Flag(help: "Also time each step of ingest + normalize on its own (where the time goes).")
    var breakdown = false


    func run() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("touchstone-bench-ingest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let corpus = SampleCorpus.make(count: lines)
        let bytes = corpus.reduce(0) { $0 + $1.line.count + 1 }
        print("corpus: \(corpus.count) lines of \(Set(corpus.map(\.platform)).count) platforms, \(bytes / 1024) KiB")

        // Per-platform message files, as ingest reads them.
        var files: [String: FileHandle] = [:]
        var paths: [(path: String, platform: String)] = []
        for (platform, line) in corpus {
            if files[platform] == nil {
                let path = folder.appendingPathComponent("\(platform)-bench.ndjson").path
                FileManager.default.createFile(atPath: path, contents: nil)
                files[platform] = FileHandle(forWritingAtPath: path)
                paths.append((path, platform))
            }
            files[platform]!.write(Data(line + [0x0a]))
        }
        for handle in files.values { try handle.close() }

        // Warm-up, then rounds of parse and pipeline taken in turn, so that a busy spell
        // on the machine falls on both alike; the best of each is compared.
        _ = try measure { try parseAll(corpus) }
        _ = try ingestAndNormalize(paths)
        var parses: [Double] = [], pipelines: [Double] = []
        var produced = 0
        for _ in 0..<max(rounds, 1) {
            parses.append(try measure { try parseAll(corpus) })
            pipelines.append(try measure { produced = try ingestAndNormalize(paths) })
        }
        let parse = parses.min()!, pipeline = pipelines.min()!
        let ratios = zip(pipelines, parses).map { $0 / $1 }.sorted()
        let foundation = try (0..<3).map { _ in try measure { try foundationParseAll(corpus) } }.min()!

        func rate(_ seconds: Double) -> String { String(format: "%.0f items/s", Double(corpus.count) / seconds) }
        print("times are CPU seconds of the measuring thread, best of \(parses.count) rounds")
        print(String(format: "bare JSON parse (JSONReader):         %.3f s  %@", parse, rate(parse)))
        print(String(format: "bare JSON parse (JSONSerialization):  %.3f s  %@", foundation, rate(foundation)))
        print(String(format: "ingest + normalize (no transport):    %.3f s  %@  -> %d items", pipeline, rate(pipeline), produced))
        print(String(format: "ratio ingest+normalize / JSONReader parse: %.2fx (goal <= 3x); per round: median %.2fx, range %.2f-%.2fx",
                     pipeline / parse, ratios[ratios.count / 2], ratios.first!, ratios.last!))

        if breakdown { try printBreakdown(paths, parse: parse) }

        if !skipLog {
            let seconds = try await endToEnd(paths, folder: folder.appendingPathComponent("log"), expected: corpus.count)
            print(String(format: "end to end on the embedded log (files -> raw topics -> normalize -> items): %.3f s CPU  %@ per CPU second", seconds, rate(seconds)))
            print(String(format: "ratio end-to-end CPU / JSONReader parse: %.2fx", seconds / parse))
        }
    }

    /// CPU time of the calling thread: the machine is shared, and wall time
    /// swings with other processes' load while CPU time barely does.
    func measure(_ body: () throws -> Void) throws -> Double {
        let start = cpuSeconds(CLOCK_THREAD_CPUTIME_ID)
        try body()
        return cpuSeconds(CLOCK_THREAD_CPUTIME_ID) - start
    }

    func parseAll(_ corpus: [(platform: String, line: [UInt8])]) throws {
        var members = 0
        for (_, line) in corpus {
            if case .object(let o) = try JSONReader.parse(line) { members += o.members.count }
        }
        precondition(members > 0)
    }

    func foundationParseAll(_ corpus: [(platform: String, line: [UInt8])]) throws {
        var count = 0
        for (_, line) in corpus {
            if try JSONSerialization.jsonObject(with: Data(line)) is [String: Any] { count += 1 }
        }
        precondition(count == corpus.count)
    }

    /// Files read line by line, each line gatekept into a raw message with its evidence
    /// headers, then normalized into encoded item messages: everything but the transport.
    func ingestAndNormalize(_ paths: [(path: String, platform: String)]) throws -> Int {
        let processor = NormalizeProcessor()
        var items = 0
        var offset: Int64 = 0
        let capturedAt = Timestamp.now()
        for (path, platform) in paths {
            let reader = try LineReader(path: path)
            let ingester = LineIngester(platform: platform, source: path)
            while let line = try reader.next() {
                guard case .published(let raw) = ingester.disposition(of: line, capturedAt: capturedAt) else { continue }
                items += try processor.outputs(for: Self.consumed(raw, offset: offset)).count
                offset += 1
            }
        }
        return items
    }

    /// A raw message as normalize would consume it from partition 0 at `offset`.
    static func consumed(_ raw: OutgoingMessage, offset: Int64) -> ConsumedMessage {
        ConsumedMessage(topic: raw.topic, partition: 0, offset: offset, key: raw.key, value: raw.value, headers: raw.headers, timestamp: 0)
    }

    /// Each step alone, best of 3, as a share of the parse: reading lines, the tape, SHA-256,
    /// the whole ingest step, the adapters, and writing item JSON.
    func printBreakdown(_ paths: [(path: String, platform: String)], parse: Double) throws {
        var lines: [(platform: String, line: InputLine)] = []
        for (path, platform) in paths {
            let reader = try LineReader(path: path)
            while let line = try reader.next() { lines.append((platform, line)) }
        }
        let capturedAt = Timestamp.now()
        let ingesters = Dictionary(uniqueKeysWithValues: paths.map { ($0.platform, LineIngester(platform: $0.platform, source: $0.path)) })
        let raws: [ConsumedMessage] = lines.enumerated().compactMap { index, entry in
            guard case .published(let raw) = ingesters[entry.platform]!.disposition(of: entry.line, capturedAt: capturedAt) else { return nil }
            return Self.consumed(raw, offset: Int64(index))
        }
        let processor = NormalizeProcessor()
        let contexts = try raws.map { try NormalizeProcessor.context(of: $0) }
        let items = try zip(raws, contexts).flatMap { try Normalizer.items(fromLine: $0.value, context: $1) }

        func best(_ body: () throws -> Void) throws -> Double { try (0..<3).map { _ in try measure(body) }.min()! }
        let steps: [(String, Double)] = [
            ("read lines (LineReader)", try best {
                for (path, _) in paths { let reader = try LineReader(path: path); while try reader.next() != nil {} }
            }),
            ("JSONTape.read", try best { for (_, line) in lines { _ = try JSONTape.read(line.bytes, with: Normalizer.reader) } }),
            ("SHA-256", try best { for (_, line) in lines { _ = SHA256Hex.of(line.bytes) } }),
            ("ingest step (LineIngester)", try best {
                for (platform, line) in lines { _ = ingesters[platform]!.disposition(of: line, capturedAt: capturedAt) }
            }),
            ("raw headers -> RawContext", try best { for raw in raws { _ = try NormalizeProcessor.context(of: raw) } }),
            ("tape + adapters (Normalizer.items)", try best {
                for (raw, context) in zip(raws, contexts) { _ = try Normalizer.items(fromLine: raw.value, context: context) }
            }),
            ("item JSON (ItemJSON.encode)", try best { for item in items { _ = try ItemJSON.encode(item) } }),
            ("normalize step (NormalizeProcessor)", try best { for raw in raws { _ = try processor.outputs(for: raw) } }),
        ]
        var perPlatform: [(String, Double, Int)] = []
        for (_, platform) in paths {
            let mine = zip(raws, contexts).filter { $0.1.platform == platform }
            let tapes = try mine.map { try JSONTape.read($0.0.value, with: Normalizer.reader) }
            let seconds = try best { for (tape, (_, context)) in zip(tapes, mine) { _ = try Normalizer.items(from: tape.root, context: context) } }
            perPlatform.append((platform, seconds, mine.count))
        }
        print("adapters alone, per platform (CPU seconds, best of 3):")
        for (platform, seconds, count) in perPlatform {
            print("  " + platform.padding(toLength: 12, withPad: " ", startingAt: 0) + String(format: "%.3f s  %5d lines  %.2f µs per line", seconds, count, seconds / Double(count) * 1e6))
        }
        print("breakdown (CPU seconds, best of 3; share of the JSONReader parse):")
        for (name, seconds) in steps {
            print("  " + name.padding(toLength: 38, withPad: " ", startingAt: 0) + String(format: "%.3f s  %.2fx", seconds, seconds / parse))
        }
    }

    /// The same through the embedded log: FileIngester publishes, the normalize StageRunner consumes until idle.
    func endToEnd(_ paths: [(path: String, platform: String)], folder: URL, expected: Int) async throws -> Double {
        let transport = try EmbeddedLogTransport(directory: folder)
        for topic in [TopicName.rawPosts, TopicName.rawListings, TopicName.items, TopicName.deadLetters] {
            try await transport.createTopic(TopicSpec(name: topic, partitions: 4))
        }
        let start = ContinuousClock.now
        let cpuStart = cpuSeconds(CLOCK_PROCESS_CPUTIME_ID)
        let producer = try await transport.makeProducer()
        let ingester = FileIngester(producer: producer)
        for (path, platform) in paths { _ = try await ingester.ingest(path: path, platform: platform, context: nil) }
        try await producer.close()
        let processed = try await StageRunner(processor: NormalizeProcessor(), transport: transport, batchSize: 2000)
            .run(untilIdle: true, pollTimeout: .milliseconds(20))
        let elapsed = ContinuousClock.now - start
        let cpu = cpuSeconds(CLOCK_PROCESS_CPUTIME_ID) - cpuStart
        precondition(processed == expected, "normalize processed \(processed) of \(expected)")
        let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print(String(format: "end to end: %.3f s wall, %.3f s CPU (all threads)", wall, cpu))
        return cpu
    }
}
