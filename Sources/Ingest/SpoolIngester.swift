import Foundation
import Logging
import TouchstoneCore
import Transport

/// Ingests a spool folder: every message file dropped into it is published
/// exactly once, also across restarts and `kill -9`.
///
/// How exactly-once holds: before a file's first line, a progress record
/// (`.touchstone-spool/NAME.progress.json`) stores the raw and dead-letter
/// topics' end offsets. After each batch is *delivered* (producer flush), the
/// record is replaced atomically with the last line done and the new end
/// offsets. After a crash, the lines published since the record — delivered
/// but not yet recorded — are found by reading those topics from the recorded
/// offsets and collecting the line numbers whose source header is this file;
/// they are skipped on resume. Done files move to `DIR/done/`; files whose
/// platform cannot be told move to `DIR/failed/` with a dead letter.
///
/// Writers should create files under a hidden or `.tmp`/`.part` name and rename
/// them when complete; a visible file is also only taken once its size has
/// stayed the same for one poll.
public final class SpoolIngester: Sendable {
    public let directory: URL
    let transport: any MessageTransport
    let platformOverride: String?
    let context: String?
    let maxLineBytes: Int
    let batchLines: Int
    let logger: Logger

    static let scannedTopics = [TopicName.rawPosts, TopicName.rawListings, TopicName.deadLetters]

    public init(directory: URL, transport: any MessageTransport, platform: String? = nil, context: String? = nil,
                maxLineBytes: Int = 1 << 20, batchLines: Int = 2000, logger: Logger = Logger(label: "touchstone.ingest.spool")) {
        self.directory = directory.standardizedFileURL
        self.transport = transport
        self.platformOverride = platform
        self.context = context
        self.maxLineBytes = maxLineBytes
        self.batchLines = batchLines
        self.logger = logger
    }

    var stateDirectory: URL { directory.appendingPathComponent(".touchstone-spool", isDirectory: true) }
    var doneDirectory: URL { directory.appendingPathComponent("done", isDirectory: true) }
    var failedDirectory: URL { directory.appendingPathComponent("failed", isDirectory: true) }

    /// Watches until cancelled (or, with `untilEmpty`, until no file is left), publishing each file.
    public func run(pollInterval: Duration = .milliseconds(300), untilEmpty: Bool = false,
                    progress: (@Sendable (IngestCounts) -> Void)? = nil) async throws -> IngestCounts {
        let fm = FileManager.default
        for folder in [stateDirectory, doneDirectory, failedDirectory] {
            try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        }
        let producer = try await transport.makeProducer()
        var total = IngestCounts()
        var lastSizes: [String: Int64] = [:]
        do {
            try await finishCompletedRecords()
            while !Task.isCancelled {
                let candidates = try listCandidates()
                var ready: [String] = []
                for (name, size) in candidates {
                    let resuming = fm.fileExists(atPath: progressURL(name).path)
                    if resuming || lastSizes[name] == size { ready.append(name) }
                }
                lastSizes = candidates
                for name in ready.sorted() {
                    try Task.checkCancellation()
                    let before = total
                    let counts = try await ingestFile(name: name, producer: producer, progress: { progress?(before + $0) })
                    total = total + counts
                    lastSizes[name] = nil
                    progress?(total)
                }
                if untilEmpty, candidates.isEmpty { break }
                try await Task.sleep(for: pollInterval)
            }
        } catch {
            try? await producer.close()
            if error is CancellationError { return total }
            throw error
        }
        try await producer.close()
        return total
    }

    /// Visible regular files with their sizes.
    func listCandidates() throws -> [String: Int64] {
        var result: [String: Int64] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            if name.hasPrefix(".") || name.hasSuffix(".tmp") || name.hasSuffix(".part") || name.hasSuffix(".partial") { continue }
            var info = stat()
            guard stat(directory.appendingPathComponent(name).path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
            result[name] = Int64(info.st_size)
        }
        return result
    }

    // MARK: One file

    struct ProgressRecord: Codable {
        var file: String
        var inode: UInt64
        var size: Int64
        var linesDone: Int
        /// topic → partition → end offset when the record was written.
        var offsets: [String: [String: Int64]]
        var complete: Bool
    }

    func progressURL(_ name: String) -> URL { stateDirectory.appendingPathComponent(name + ".progress.json") }

    func ingestFile(name: String, producer: any MessageProducer, progress: @escaping @Sendable (IngestCounts) -> Void) async throws -> IngestCounts {
        let fileURL = directory.appendingPathComponent(name)
        let path = fileURL.path
        var info = stat()
        guard stat(path, &info) == 0 else { return IngestCounts() }
        let platform = platformOverride ?? Ingest.platform(fromFileName: name)
        guard let platform else {
            let letter = DeadLetter(stage: "ingest", reason: "cannot tell the platform of \(name): name it after its platform (instagram-..., amazon-...) or run ingest --watch with --platform",
                                    source: path, at: Timestamp.now())
            try await producer.send(OutgoingMessage(topic: TopicName.deadLetters, key: nil, value: try TopicJSON.encode(letter)))
            try await producer.flush()
            try moveAside(fileURL, to: failedDirectory)
            logger.error("cannot tell the platform of a spool file; moved to failed/", metadata: ["file": "\(path)"])
            var counts = IngestCounts()
            counts.deadLettered = 1
            return counts
        }
        var record: ProgressRecord
        var alreadyPublished: Set<Int> = []
        if let data = try? Data(contentsOf: progressURL(name)), let existing = try? JSONDecoder().decode(ProgressRecord.self, from: data),
           existing.inode == UInt64(info.st_ino) {
            record = existing
            if record.complete {
                try complete(name: name, fileURL: fileURL)
                return IngestCounts()
            }
            alreadyPublished = try await linesPublished(source: FileIngester.sourcePath(path), since: record.offsets)
            logger.info("resuming spool file", metadata: ["file": "\(path)", "lines_done": "\(record.linesDone)", "published_after": "\(alreadyPublished.count)"])
        } else {
            record = ProgressRecord(file: name, inode: UInt64(info.st_ino), size: Int64(info.st_size), linesDone: 0,
                                    offsets: try await endOffsets(), complete: false)
            try write(record, name: name)
        }
        let linesDone = record.linesDone
        let skipped = alreadyPublished
        let ingester = FileIngester(producer: producer, maxLineBytes: maxLineBytes)
        let recordBox = RecordBox(record)
        var counts: IngestCounts
        do {
            counts = try await ingester.ingest(
                path: path, platform: platform, context: context,
                skip: { $0 <= linesDone || skipped.contains($0) },
                batchLines: batchLines, progress: progress,
                afterBatch: { [self] lastLine in
                    // Delivered up to lastLine: record it with the offsets the next batch starts after.
                    var updated = recordBox.record
                    updated.linesDone = lastLine
                    updated.offsets = try await endOffsets()
                    try write(updated, name: name)
                    recordBox.record = updated
                })
        } catch let error as IngestError {
            // The file cannot be read past some point (a truncated gzip): what was read is published.
            let letter = DeadLetter(stage: "ingest", reason: error.message, source: FileIngester.sourcePath(path), at: Timestamp.now())
            try await producer.send(OutgoingMessage(topic: TopicName.deadLetters, key: nil, value: try TopicJSON.encode(letter)))
            try await producer.flush()
            counts = IngestCounts()
            counts.files = 1
            counts.deadLettered = 1
            logger.error("spool file unreadable; moved to failed/", metadata: ["file": "\(path)", "reason": "\(error.message)"])
            var updated = recordBox.record
            updated.complete = true
            try write(updated, name: name)
            try moveAside(fileURL, to: failedDirectory)
            try? FileManager.default.removeItem(at: progressURL(name))
            return counts
        }
        var finished = recordBox.record
        finished.complete = true
        try write(finished, name: name)
        try complete(name: name, fileURL: fileURL)
        return counts
    }

    final class RecordBox: @unchecked Sendable {
        var record: ProgressRecord
        init(_ record: ProgressRecord) { self.record = record }
    }

    /// Moves a completed file to `done/` and forgets its progress.
    func complete(name: String, fileURL: URL) throws {
        if FileManager.default.fileExists(atPath: fileURL.path) { try moveAside(fileURL, to: doneDirectory) }
        try? FileManager.default.removeItem(at: progressURL(name))
        fsyncDirectory(stateDirectory)
    }

    /// Finishes records left complete by a crash between marking and moving.
    func finishCompletedRecords() async throws {
        let fm = FileManager.default
        for entry in (try? fm.contentsOfDirectory(atPath: stateDirectory.path)) ?? [] where entry.hasSuffix(".progress.json") {
            let url = stateDirectory.appendingPathComponent(entry)
            guard let data = try? Data(contentsOf: url), let record = try? JSONDecoder().decode(ProgressRecord.self, from: data) else { continue }
            let fileURL = directory.appendingPathComponent(record.file)
            var info = stat()
            let exists = stat(fileURL.path, &info) == 0
            if !exists || UInt64(info.st_ino) != record.inode {
                // The file it described is gone (moved before the crash) or replaced by a new one.
                try? fm.removeItem(at: url)
            } else if record.complete {
                try complete(name: record.file, fileURL: fileURL)
            }
        }
    }

    func moveAside(_ fileURL: URL, to folder: URL) throws {
        let fm = FileManager.default
        var target = folder.appendingPathComponent(fileURL.lastPathComponent)
        var n = 1
        while fm.fileExists(atPath: target.path) {
            target = folder.appendingPathComponent("\(fileURL.lastPathComponent).\(n)")
            n += 1
        }
        try fm.moveItem(at: fileURL, to: target)
        fsyncDirectory(folder)
        fsyncDirectory(directory)
    }

    /// Atomically replaces the progress record: write a temporary file, fsync, rename, fsync the folder.
    func write(_ record: ProgressRecord, name: String) throws {
        let url = progressURL(name)
        let temporary = stateDirectory.appendingPathComponent(".\(name).progress.tmp")
        let data = try JSONEncoder().encode(record)
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw IngestError("cannot write \(temporary.path): \(String(cString: strerror(errno)))") }
        let ok = data.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) == $0.count } && fsync(fd) == 0
        close(fd)
        guard ok, rename(temporary.path, url.path) == 0 else {
            throw IngestError("cannot record spool progress in \(url.path): \(String(cString: strerror(errno)))")
        }
        fsyncDirectory(stateDirectory)
    }

    func fsyncDirectory(_ url: URL) {
        let fd = open(url.path, O_RDONLY | O_DIRECTORY)
        if fd >= 0 { fsync(fd); close(fd) }
    }

    // MARK: Reading back what was published

    /// End offsets (next offset to write) of the raw and dead-letter topics.
    func endOffsets() async throws -> [String: [String: Int64]] {
        var result: [String: [String: Int64]] = [:]
        for description in try await transport.describeTopics() where Self.scannedTopics.contains(description.name) {
            var partitions: [String: Int64] = [:]
            for p in description.partitions { partitions[String(p.partition)] = p.high }
            result[description.name] = partitions
        }
        return result
    }

    /// Line numbers of `source` published on the raw and dead-letter topics since `offsets`.
    func linesPublished(source: String, since offsets: [String: [String: Int64]]) async throws -> Set<Int> {
        let ends = try await endOffsets()
        var lines: Set<Int> = []
        for topic in Self.scannedTopics {
            guard let topicEnds = ends[topic] else { continue }
            var pending: [Int32: (from: Int64, to: Int64)] = [:]
            for (partitionText, end) in topicEnds {
                guard let partition = Int32(partitionText) else { continue }
                let from = offsets[topic]?[partitionText] ?? 0
                if end > from { pending[partition] = (from, end) }
            }
            guard !pending.isEmpty else { continue }
            let consumer = try await transport.makeConsumer(topics: [topic], membership: .standalone(start: .earliest))
            for (partition, range) in pending {
                try await consumer.seek(TopicPartition(topic: topic, partition: partition), to: .offset(range.from))
            }
            var idlePolls = 0
            do {
            while !pending.isEmpty {
                let batch = try await consumer.poll(maxMessages: 1000, timeout: .milliseconds(500))
                if batch.isEmpty {
                    idlePolls += 1
                    if idlePolls > 20 { throw IngestError("could not read back \(topic) to resume \(source): no messages arrived for 10 s") }
                    continue
                }
                idlePolls = 0
                for message in batch {
                    guard let range = pending[message.partition] else { continue }
                    if message.offset >= range.from, message.offset < range.to,
                       message.header(RawHeader.source)?.text == source, let line = message.header(RawHeader.line).flatMap({ Int($0.text) }) {
                        lines.insert(line)
                    }
                    if message.offset + 1 >= range.to { pending[message.partition] = nil }
                }
            }
            } catch {
                try? await consumer.close()
                throw error
            }
            try await consumer.close()
        }
        return lines
    }
}

extension Ingest {
    public static func platform(fromFileName path: String) -> String? { Ingest_platform(fromFileName: path) }
}

func Ingest_platform(fromFileName path: String) -> String? { platform(fromFileName: path) }
