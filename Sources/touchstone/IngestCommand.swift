import ArgumentParser
import Foundation
import Ingest
import Normalize
import TouchstoneCore
import Transport

/// `touchstone ingest [--platform P] FILE...` and `touchstone ingest --watch DIR` (CLI.md, INPUTS.md).
struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Publish message files (NDJSON, plain or .gz) to the raw topics.",
        discussion: """
        Every line's exact bytes go to raw.posts or raw.listings with its SHA-256, source, line number and capture \
        time. Lines that are not JSON objects, not UTF-8 or too large go to dead-letters; the rest is still ingested. \
        Without --platform, a file's platform is the first word of its name (instagram-2026-11-28.ndjson). \
        With --watch DIR, files dropped into DIR are ingested exactly once (also across restarts) and moved to DIR/done/.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "The platform of every file: \(Platforms.all.joined(separator: ", ")).")
    var platform: String?

    @Option(name: .long, help: "Ingest context recorded with every line, e.g. the Shopify shop domain (shop.example.com).")
    var source: String?

    @Option(name: .long, help: "Keep ingesting the files dropped into this spool folder, each exactly once.")
    var watch: String?

    @Option(name: .customLong("max-line-bytes"), help: "Longer lines go to dead-letters.")
    var maxLineBytes: Int = 1 << 20

    @Option(name: .customLong("batch-lines"), help: ArgumentHelp("With --watch: lines per delivered, recorded batch.", visibility: .hidden))
    var batchLines: Int = 2000

    @Flag(name: .customLong("until-empty"), help: "With --watch: exit once the folder has no file left.")
    var untilEmpty = false

    @Argument(help: "Message files (.ndjson or .ndjson.gz).")
    var files: [String] = []

    func validate() throws {
        if let platform, !Platforms.all.contains(platform) {
            throw ValidationError("unknown --platform '\(platform)'; use one of \(Platforms.all.joined(separator: ", "))")
        }
        if watch == nil, files.isEmpty { throw ValidationError("give message files to ingest, or --watch DIR") }
        if watch != nil, !files.isEmpty { throw ValidationError("give either files or --watch DIR, not both") }
        if maxLineBytes < 1 { throw ValidationError("--max-line-bytes must be positive") }
        if watch == nil {
            for file in files where platform == nil && Ingest.platform(fromFileName: file) == nil {
                throw ValidationError("cannot tell the platform of \(file) from its name; pass --platform (\(Platforms.all.joined(separator: ", ")))")
            }
        }
    }

    func run() async throws {
        let transport = try global.makeTransport()
        // The topics ingest writes, as topics/ defines them (partitions, retention).
        let written: Set<String> = [TopicName.rawPosts, TopicName.rawListings, TopicName.deadLetters]
        for definition in try TopicCatalog.standard() where written.contains(definition.name) {
            try await transport.createTopic(definition.spec)
        }
        let display = ProgressDisplay()
        if let watch {
            let spool = SpoolIngester(directory: URL(fileURLWithPath: watch, isDirectory: true), transport: transport,
                                      platform: platform, context: source, maxLineBytes: maxLineBytes, batchLines: max(1, batchLines))
            guard FileManager.default.fileExists(atPath: watch) else {
                throw ValidationError("--watch folder \(watch) does not exist")
            }
            let counts = try await spool.run(untilEmpty: untilEmpty, progress: { display.update($0) })
            display.finish(counts)
            return
        }
        let producer = try await transport.makeProducer()
        let ingester = FileIngester(producer: producer, maxLineBytes: maxLineBytes)
        var total = IngestCounts()
        var failures: [String] = []
        for file in files {
            let platform = self.platform ?? Ingest.platform(fromFileName: file)!
            let before = total
            do {
                let counts = try await ingester.ingest(path: file, platform: platform, context: source, progress: { display.update(before + $0) })
                total = total + counts
            } catch let error as IngestError {
                failures.append(error.message)
                let letter = DeadLetter(stage: "ingest", reason: error.message, source: FileIngester.sourcePath(file), at: Timestamp.now())
                try await producer.send(OutgoingMessage(topic: TopicName.deadLetters, key: nil, value: try TopicJSON.encode(letter)))
                total.files += 1
                total.deadLettered += 1
            }
        }
        try await producer.close()
        display.finish(total)
        if !failures.isEmpty {
            for failure in failures { FileHandle.standardError.write(Data("error: \(failure)\n".utf8)) }
            throw ExitCode.failure
        }
    }
}

/// Progress on a terminal (rewritten in place, at most 5 times a second); nothing until the summary otherwise.
final class ProgressDisplay: @unchecked Sendable {
    let isTerminal = isatty(STDERR_FILENO) == 1
    let start = ContinuousClock.now
    var lastDraw = ContinuousClock.now - .seconds(1)
    let lock = NSLock()

    func update(_ counts: IngestCounts) {
        guard isTerminal else { return }
        lock.lock(); defer { lock.unlock() }
        let now = ContinuousClock.now
        guard now - lastDraw >= .milliseconds(200) else { return }
        lastDraw = now
        let seconds = max(Double((now - start).components.attoseconds) / 1e18 + Double((now - start).components.seconds), 0.001)
        let rate = Int(Double(counts.lines) / seconds)
        FileHandle.standardError.write(Data("\r\u{1b}[K files \(counts.files)  lines \(counts.lines)  published \(counts.published)  dead-lettered \(counts.deadLettered)  \(rate) lines/s".utf8))
    }

    func finish(_ counts: IngestCounts) {
        if isTerminal { FileHandle.standardError.write(Data("\r\u{1b}[K".utf8)) }
        print("ingested \(counts)")
    }
}
