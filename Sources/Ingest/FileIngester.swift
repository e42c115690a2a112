import Foundation
import TouchstoneCore
import Transport

/// Publishes message files through a producer, line by line.
public struct FileIngester: Sendable {
    public let producer: any MessageProducer
    public var maxLineBytes: Int

    public init(producer: any MessageProducer, maxLineBytes: Int = 1 << 20) {
        self.producer = producer
        self.maxLineBytes = maxLineBytes
    }

    /// The absolute, standardized path recorded as a line's source.
    public static func sourcePath(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// Publishes every line of one file. `skip` names lines already published
    /// (spool resume); `afterBatch` runs after each `batchLines` lines once
    /// they are delivered (flushed), with the last line number of the batch.
    /// Returns the counts; a read error (a truncated gzip file) is thrown after
    /// the lines before it were published.
    public func ingest(
        path: String, platform: String, context: String?, skip: @Sendable (Int) -> Bool = { _ in false },
        batchLines: Int = 5000, progress: (@Sendable (IngestCounts) -> Void)? = nil,
        afterBatch: (@Sendable (Int) async throws -> Void)? = nil
    ) async throws -> IngestCounts {
        let source = Self.sourcePath(path)
        let ingester = LineIngester(platform: platform, source: source, context: context, maxLineBytes: maxLineBytes)
        let reader = try LineReader(path: path, maxLineBytes: maxLineBytes)
        var counts = IngestCounts()
        counts.files = 1
        var inBatch = 0
        var lastLine = 0
        var capturedAt = Timestamp.now()
        while let line = try reader.next() {
            lastLine = line.number
            if skip(line.number) {
                counts.skippedAsDone += 1
                continue
            }
            if line.oversizedLength == nil, LineIngester.isBlank(line.bytes) {
                counts.blank += 1
                continue
            }
            let disposition = ingester.disposition(of: line, capturedAt: capturedAt)
            try await producer.send(disposition.message)
            counts.record(disposition)
            inBatch += 1
            if inBatch >= batchLines {
                inBatch = 0
                capturedAt = Timestamp.now()
                if let afterBatch {
                    try await producer.flush()
                    try await afterBatch(line.number)
                }
                progress?(counts)
            }
        }
        try await producer.flush()
        try await afterBatch?(lastLine)
        progress?(counts)
        return counts
    }
}
