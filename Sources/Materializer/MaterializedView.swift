import Foundation
import GRDB
import TouchstoneCore
import Transport

/// The SQLite view file: opened for writing by the materializer (one writer),
/// or read-only by the CLI, the web app and any `sqlite3` user meanwhile.
///
/// The file is in WAL mode, so readers never block the writer nor see a
/// half-applied batch.
public final class MaterializedView: Sendable {
    /// Where the view lives under a data folder, whatever the transport: `<data>/view.sqlite`.
    public static func path(dataDirectory: URL) -> URL {
        dataDirectory.appendingPathComponent("view.sqlite", isDirectory: false)
    }

    public let path: URL
    let pool: DatabasePool

    /// Opens (creating if needed) the view for writing and brings its schema up to date.
    public init(writingAt path: URL) throws {
        self.path = path
        try FileManager.default.createDirectory(at: path.deletingLastPathComponent(), withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.label = "touchstone.view"
        // NORMAL is crash-safe in WAL mode; a power loss can lose the last
        // batches, but rows and offsets roll back together, so nothing is lost
        // or doubled: the batches are read again.
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        configuration.busyMode = .timeout(10)
        do {
            pool = try DatabasePool(path: path.path, configuration: configuration)
            try ViewSchema.migrator().migrate(pool)
        } catch let error as DatabaseError {
            throw MaterializerError.badView(path: path.path, reason: "\(error.message ?? "\(error)") (delete the file to rebuild it from the topics)")
        }
    }

    /// The next offset to read of every topic partition the view reflects.
    public func storedOffsets() throws -> [TopicPartition: Int64] {
        try pool.read { try ViewWriter.storedOffsets($0) }
    }

    /// A batch read into what it means, ready to be written.
    public struct PreparedBatch: Sendable {
        let entries: [(message: ConsumedMessage, decoded: ViewWriter.Decoded)]

        /// The messages the view cannot use, and why (they belong on `dead-letters`).
        public var rejections: [Rejection] {
            entries.compactMap { entry in
                if case .rejected(let reason) = entry.decoded { return Rejection(message: entry.message, reason: reason) }
                return nil
            }
        }
    }

    /// A message the view could not use, and why.
    public struct Rejection: Sendable {
        public var message: ConsumedMessage
        public var reason: String
    }

    /// Decodes a batch of `findings`, `alerts` and `decisions` messages. Pure.
    public static func prepare(_ batch: [ConsumedMessage]) -> PreparedBatch {
        PreparedBatch(entries: batch.map { (message: $0, decoded: ViewWriter.decode($0)) })
    }

    /// Writes a prepared batch and its offsets in one transaction. Messages
    /// already in the view (below the stored offset of their partition) are skipped.
    public func commit(_ batch: PreparedBatch) async throws {
        _ = try await pool.write { db in try ViewWriter.apply(batch.entries, in: db) }
    }

    /// The same, for callers outside Swift concurrency (benchmarks, tools).
    public func commitSynchronously(_ batch: PreparedBatch) throws {
        _ = try pool.write { db in try ViewWriter.apply(batch.entries, in: db) }
    }

    /// Prepares and commits a batch; returns what was rejected.
    @discardableResult
    public func apply(_ batch: [ConsumedMessage]) async throws -> [Rejection] {
        let prepared = Self.prepare(batch)
        try await commit(prepared)
        return prepared.rejections
    }

    /// Messages of `topics` not yet in the view: high watermarks minus stored offsets.
    public func lag(on transport: any MessageTransport, topics: [String] = Materializer.inputTopics) async throws -> Int64 {
        let stored = try storedOffsets()
        var lag: Int64 = 0
        for description in try await transport.describeTopics() where topics.contains(description.name) {
            for partition in description.partitions {
                let next = max(stored[TopicPartition(topic: description.name, partition: partition.partition)] ?? partition.low, partition.low)
                lag += max(0, partition.high - next)
            }
        }
        return lag
    }

    /// A reader over this same file (shares nothing with the writer connection).
    public func reader() throws -> ViewReader { try ViewReader(path: path) }

    /// Every row of every table, sorted, as text: for comparing two views row for row.
    public func dump() throws -> [String: [String]] {
        try pool.read { try ViewDump.dump($0) }
    }
}

enum ViewDump {
    static func dump(_ db: Database) throws -> [String: [String]] {
        var tables: [String: [String]] = [:]
        for table in ViewSchema.tables {
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM \(table)")
            tables[table] = rows.map { row in
                row.columnNames.map { name in "\(name)=\(row[name] as DatabaseValue)" }.joined(separator: "|")
            }.sorted()
        }
        return tables
    }
}
