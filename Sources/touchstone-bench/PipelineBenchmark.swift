import ArgumentParser
import EmbeddedLog
import Foundation
import Ingest
import Materializer
import Pipeline
import TouchstoneCore
import Transport

/// `touchstone-bench pipeline`: what `touchstone run --until-idle` does, over
/// mixed-platform items with pictures on the embedded log: items/s end to
/// end, peak memory and the view's size; and, in the same run, every stage
/// alone on the same input, so the pipeline's rate can be read against its
/// slowest stage (the ratio says how well the stages overlap).
struct PipelineBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "touchstone run --until-idle over mixed items with pictures, against its slowest single stage.")

    @Option(help: "How many items (mixed platforms).")
    var items = 100_000

    @Option(name: .customLong("distinct-pictures"), help: "Distinct picture files the items point at (made with Python/Pillow; fewer means more cache hits).")
    var distinctPictures = 2_000

    @Option(help: "Where to work (default: a temporary folder, removed afterwards).")
    var folder: String?

    func run() async throws {
        let root = folder.map { URL(fileURLWithPath: $0, isDirectory: true) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("touchstone-bench-pipeline-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { if folder == nil { try? FileManager.default.removeItem(at: root) } }

        let messages = root.appendingPathComponent("messages", isDirectory: true)
        let pictures = try makePictures(in: messages.appendingPathComponent("images", isDirectory: true), count: distinctPictures)
        let files = try writeCorpus(to: messages, pictures: pictures)
        print("corpus: \(items) items of 9 platforms, \(pictures) distinct pictures, in \(messages.path)")

        // The whole pipeline, every stage at once, as `touchstone run --until-idle`.
        let concurrent = try await pipeline(root.appendingPathComponent("concurrent"), files: files, oneStageAtATime: false)
        let peak = peakResidentMegabytes()
        print(String(format: "pipeline (all stages at once): %.1f s wall, %.0f items/s end to end", concurrent.total, Double(items) / concurrent.total))
        print(String(format: "peak memory (max RSS of this process so far): %.0f MB", peak))
        print("view: \(concurrent.viewBytes / 1024) KiB (\(String(format: "%.0f", Double(concurrent.viewBytes) / Double(items))) bytes per item)")

        // Each stage alone on the same input, one after the other.
        let sequential = try await pipeline(root.appendingPathComponent("sequential"), files: files, oneStageAtATime: true)
        var slowest = (name: "", seconds: 0.0)
        for stage in StageName.allCases {
            let seconds = sequential.stages[stage.rawValue] ?? 0
            print(String(format: "  %-12@ alone: %7.1f s  %8.0f items/s", stage.rawValue, seconds, Double(items) / max(seconds, 1e-9)))
            if seconds > slowest.seconds { slowest = (stage.rawValue, seconds) }
        }
        print(String(format: "ratio pipeline items/s / slowest stage (%@) items/s: %.2f (1.0 = the pipeline runs as fast as its slowest stage)",
                     slowest.name, slowest.seconds / concurrent.total))
    }

    struct Timing {
        var total: Double
        var stages: [String: Double]
        var viewBytes: Int
    }

    func pipeline(_ data: URL, files: [(path: String, platform: String)], oneStageAtATime: Bool) async throws -> Timing {
        let transport = try EmbeddedLogTransport(directory: data.appendingPathComponent("log", isDirectory: true))
        let environment = PipelineEnvironment(transport: transport, dataDirectory: data,
                                              brandsDirectory: Demo.bundledDirectory.appendingPathComponent("brands"))
        try await environment.createTopics()
        let producer = try await transport.makeProducer()
        let ingester = FileIngester(producer: producer)
        for file in files { _ = try await ingester.ingest(path: file.path, platform: file.platform, context: nil) }
        try await producer.close()

        let clock = ContinuousClock()
        var stages: [String: Double] = [:]
        let start = clock.now
        if oneStageAtATime {
            for stage in StageName.allCases {
                let began = clock.now
                _ = try await PipelineRunner(stages: [try await environment.makeStage(stage)]).run(untilIdle: true)
                stages[stage.rawValue] = (clock.now - began).seconds
            }
        } else {
            _ = try await PipelineRunner(stages: environment.makeAllStages()).run(untilIdle: true)
        }
        let total = (clock.now - start).seconds
        let view = (try? FileManager.default.attributesOfItem(atPath: environment.viewPath.path)[.size] as? Int) ?? 0
        return Timing(total: total, stages: stages, viewBytes: view ?? 0)
    }

    /// Writes the corpus as one message file per platform, pictures pointing at the pool by relative path.
    func writeCorpus(to folder: URL, pictures: Int) throws -> [(path: String, platform: String)] {
        let picture = try NSRegularExpression(pattern: #""(https?:)?//[^"]*\.jpg""#)
        var handles: [String: FileHandle] = [:]
        var files: [(path: String, platform: String)] = []
        for (index, entry) in BenchCorpus.make(count: items).enumerated() {
            var line = String(decoding: entry.line, as: UTF8.self)
            let range = NSRange(line.startIndex..., in: line)
            line = picture.stringByReplacingMatches(in: line, range: range, withTemplate: "\"images/p\(index % max(1, pictures)).jpg\"")
            if handles[entry.platform] == nil {
                let path = folder.appendingPathComponent("\(entry.platform)-bench.ndjson").path
                FileManager.default.createFile(atPath: path, contents: nil)
                handles[entry.platform] = FileHandle(forWritingAtPath: path)
                files.append((path, entry.platform))
            }
            handles[entry.platform]!.write(Data((line + "\n").utf8))
        }
        for handle in handles.values { try handle.close() }
        return files
    }

    /// `count` distinct 320×320 JPEGs (random shapes on noise), made by Python/Pillow.
    func makePictures(in folder: URL, count: Int) throws -> Int {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let script = """
            import random, sys
            from PIL import Image, ImageDraw
            folder, count = sys.argv[1], int(sys.argv[2])
            for i in range(count):
                r = random.Random(i)
                img = Image.effect_noise((320, 320), 40).convert("RGB")
                d = ImageDraw.Draw(img)
                for _ in range(12):
                    x, y = r.randrange(320), r.randrange(320)
                    d.ellipse([x, y, x + r.randrange(20, 160), y + r.randrange(20, 160)], fill=tuple(r.randrange(256) for _ in range(3)))
                img.save(f"{folder}/p{i}.jpg", quality=85)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, folder.path, String(count)]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ValidationError("making pictures needs python3 with Pillow (pip install pillow)")
        }
        return count
    }

    func peakResidentMegabytes() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}
