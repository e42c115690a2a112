import Foundation
import GRDB
import Transport

#if canImport(Glibc)
import Glibc
#endif

/// Cross-link's durable state, one SQLite file: the items seen (as last
/// received, to re-emit their findings), their link keys, pictures, evidence
/// edges, cluster of each item, and the input offsets the state reflects.
/// Two indexes live in memory only, rebuilt from this file when the state opens:
/// the near-duplicate index of pictures (``MultiIndexHashIndex``) and the
/// one-letter variants of handles (``HandleVariantIndex``, from the `handle:` keys).
///
/// Writes of a batch share one transaction that ``commit(offsets:)`` closes
/// together with the offsets, after the batch's outputs were delivered: a
/// crash loses at most an uncommitted batch, which the consumer group
/// redelivers (its offsets were not committed either).
///
/// One process at a time: an exclusive lock on `<file>.lock` refuses a second
/// cross-link on the same state (see runbooks/cross-link.md).
final class CrossLinkStore {
    let queue: DatabaseQueue
    private var lockDescriptor: Int32 = -1

    struct StoredItem {
        var id: Int64
        var key: String
        var json: [UInt8]
        var cluster: Int64
        var emitted: String?
    }

    struct StoredKey {
        var item: Int64
        var role: LinkKey.Role
        var foundIn: String
        var evidence: String
    }

    struct StoredEdge {
        var from: Int64
        var to: Int64
        var signal: String
        var detail: String
        var weight: Double
    }

    /// - Parameter path: the SQLite file, or nil for a private in-memory store.
    init(path: String?) throws {
        var configuration = Configuration()
        // A batch's transaction spans several calls (process ... batchDidComplete).
        configuration.allowsUnsafeTransactions = true
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // A batch touches link keys all over a large B-tree: a bigger page cache
            // keeps a batch's transaction from spilling to the WAL file page by page.
            try db.execute(sql: "PRAGMA cache_size = -262144")
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        if let path {
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            lockDescriptor = open(path + ".lock", O_RDWR | O_CREAT, 0o644)
            guard lockDescriptor >= 0 else {
                throw CrossLinkError("cannot open the lock file \(path).lock: \(String(cString: strerror(errno)))")
            }
            guard flock(lockDescriptor, LOCK_EX | LOCK_NB) == 0 else {
                close(lockDescriptor)
                throw CrossLinkError(
                    "the cross-link state \(path) is in use by another cross-link process; cross-link runs as one instance per state (see runbooks/cross-link.md)")
            }
            queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = WAL") }
        } else {
            queue = try DatabaseQueue(configuration: configuration)
        }
        try migrate()
    }

    deinit {
        try? queue.writeWithoutTransaction { db in
            if db.isInsideTransaction { try db.rollback() }
        }
        if lockDescriptor >= 0 {
            flock(lockDescriptor, LOCK_UN)
            close(lockDescriptor)
        }
    }

    private func migrate() throws {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE item (
                    id INTEGER PRIMARY KEY,
                    key TEXT NOT NULL UNIQUE,
                    json BLOB NOT NULL,
                    cluster INTEGER NOT NULL,
                    emitted TEXT
                );
                CREATE INDEX item_cluster ON item(cluster);
                CREATE TABLE link_key (
                    key TEXT NOT NULL,
                    item INTEGER NOT NULL,
                    role INTEGER NOT NULL,
                    found_in TEXT NOT NULL,
                    evidence TEXT NOT NULL,
                    PRIMARY KEY (key, item)
                ) WITHOUT ROWID;
                CREATE INDEX link_key_item ON link_key(item);
                CREATE TABLE picture (
                    item INTEGER NOT NULL,
                    position INTEGER NOT NULL,
                    pdq TEXT NOT NULL,
                    PRIMARY KEY (item, position)
                ) WITHOUT ROWID;
                CREATE TABLE edge (
                    source INTEGER NOT NULL,
                    target INTEGER NOT NULL,
                    signal TEXT NOT NULL,
                    detail TEXT NOT NULL,
                    weight REAL NOT NULL,
                    PRIMARY KEY (source, target, signal)
                ) WITHOUT ROWID;
                CREATE INDEX edge_target ON edge(target);
                CREATE TABLE input_offset (
                    topic TEXT NOT NULL,
                    partition INTEGER NOT NULL,
                    next INTEGER NOT NULL,
                    PRIMARY KEY (topic, partition)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v2: handle variants in memory") { db in
            // The `handle~` keys are derived from `handle:` keys now, in memory (HandleVariantIndex).
            try db.execute(sql: "DELETE FROM link_key WHERE key >= ? AND key < ?", arguments: [Self.variantPrefix, Self.variantPrefixEnd])
        }
        try migrator.migrate(queue)
    }

    /// Runs `body` inside the open batch transaction (opening it if needed), as one savepoint:
    /// a throwing item leaves no trace.
    func withinBatch<T>(_ body: (Database) throws -> T) throws -> T {
        try queue.writeWithoutTransaction { db in
            if !db.isInsideTransaction { try db.beginTransaction(.immediate) }
            var result: T?
            try db.inSavepoint {
                result = try body(db)
                return .commit
            }
            return result!
        }
    }

    /// Records the offsets the state now reflects and commits the batch.
    func commit(offsets: [TopicPartition: Int64]) throws {
        try queue.writeWithoutTransaction { db in
            if !db.isInsideTransaction { try db.beginTransaction(.immediate) }
            for (partition, next) in offsets {
                try db.execute(
                    sql: "INSERT INTO input_offset(topic, partition, next) VALUES (?, ?, ?) ON CONFLICT(topic, partition) DO UPDATE SET next = excluded.next",
                    arguments: [partition.topic, Int64(partition.partition), next])
            }
            try db.commit()
        }
    }

    func reflectedOffsets() throws -> [TopicPartition: Int64] {
        try queue.writeWithoutTransaction { db in
            var offsets: [TopicPartition: Int64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT topic, partition, next FROM input_offset") {
                offsets[TopicPartition(topic: row[0], partition: Int32(row[1] as Int64))] = row[2]
            }
            return offsets
        }
    }

    func allPictures() throws -> [(item: Int64, position: Int, pdq: String)] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT item, position, pdq FROM picture").map { ($0[0], $0[1], $0[2]) }
        }
    }

    /// Every stored row but the input offsets, as text in a stable order (tests compare two states).
    func dump() throws -> [String] {
        try queue.read { db in
            var lines: [String] = []
            for (table, order) in [("item", "id"), ("link_key", "key, item"), ("picture", "item, position"), ("edge", "source, target, signal")] {
                for row in try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY \(order)") {
                    let values = row.databaseValues.map { value -> String in
                        switch value.storage {
                        case .null: return "NULL"
                        case .int64(let number): return String(number)
                        case .double(let number): return String(number)
                        case .string(let text): return text
                        case .blob(let data): return data.map { String(format: "%02x", $0) }.joined()
                        }
                    }
                    lines.append(([table] + values).joined(separator: "|"))
                }
            }
            return lines
        }
    }

    // MARK: Queries used inside a batch

    static func item(key: String, _ db: Database) throws -> StoredItem? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT id, key, json, cluster, emitted FROM item WHERE key = ?"), arguments: [key])
            .map(storedItem)
    }

    static func storedItem(_ row: Row) -> StoredItem {
        StoredItem(id: row[0], key: row[1], json: Array(row[2] as Data), cluster: row[3], emitted: row[4])
    }

    static func insertItem(key: String, json: [UInt8], _ db: Database) throws -> Int64 {
        try db.cachedStatement(sql: "INSERT INTO item(key, json, cluster) VALUES (?, ?, 0)").execute(arguments: [key, Data(json)])
        let id = db.lastInsertedRowID
        try db.cachedStatement(sql: "UPDATE item SET cluster = id WHERE id = ?").execute(arguments: [id])
        return id
    }

    static func updateItem(id: Int64, json: [UInt8], _ db: Database) throws {
        try db.cachedStatement(sql: "UPDATE item SET json = ? WHERE id = ?").execute(arguments: [Data(json), id])
    }

    static func setEmitted(id: Int64, digest: String, _ db: Database) throws {
        try db.cachedStatement(sql: "UPDATE item SET emitted = ? WHERE id = ?").execute(arguments: [digest, id])
    }

    /// Removes what an item contributed (its keys, pictures and edges) before it is linked again.
    /// Returns the positions of the pictures it had.
    static func detach(id: Int64, _ db: Database) throws -> [Int] {
        let positions = try Int.fetchAll(db.cachedStatement(sql: "SELECT position FROM picture WHERE item = ?"), arguments: [id])
        try db.cachedStatement(sql: "DELETE FROM picture WHERE item = ?").execute(arguments: [id])
        try db.cachedStatement(sql: "DELETE FROM link_key WHERE item = ?").execute(arguments: [id])
        try db.cachedStatement(sql: "DELETE FROM edge WHERE source = ? OR target = ?").execute(arguments: [id, id])
        return positions
    }

    /// Link keys of normalised handles (`handle:<normalised>`), the ones `handle~` variants derive from.
    static let handlePrefix = "handle:"
    static let handlePrefixEnd = "handle;"
    /// Link keys of one-letter-deletion variants (`handle~<variant>`): kept in memory, never stored.
    static let variantPrefix = "handle~"
    static let variantPrefixEnd = "handle\u{7f}"

    /// Every item's normalised-handle key (rebuilding the variant index on open).
    func allHandleKeys() throws -> [(item: Int64, key: String)] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT item, key FROM link_key WHERE key >= ? AND key < ?",
                             arguments: [Self.handlePrefix, Self.handlePrefixEnd]).map { ($0[0], $0[1]) }
        }
    }

    /// The normalised-handle key of an item, if it has one (at most one: items have one account handle).
    static func handleKey(ofItem item: Int64, _ db: Database) throws -> (key: String, stored: StoredKey)? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT key, role, found_in, evidence FROM link_key WHERE item = ? AND key >= ? AND key < ?"),
            arguments: [item, handlePrefix, handlePrefixEnd]
        ).map { ($0[0], StoredKey(item: item, role: LinkKey.Role(rawValue: $0[1]) ?? .shared, foundIn: $0[2], evidence: $0[3])) }
    }

    /// Items that carry `key`, at most `limit`.
    static func holders(of key: String, limit: Int, _ db: Database) throws -> [StoredKey] {
        try Row.fetchAll(
            db.cachedStatement(sql: "SELECT item, role, found_in, evidence FROM link_key WHERE key = ? LIMIT ?"),
            arguments: [key, limit]
        ).map { StoredKey(item: $0[0], role: LinkKey.Role(rawValue: $0[1]) ?? .shared, foundIn: $0[2], evidence: $0[3]) }
    }

    static func insertKey(_ key: LinkKey, item: Int64, _ db: Database) throws {
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO link_key(key, item, role, found_in, evidence) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [key.key, item, key.role.rawValue, key.foundIn, key.evidence])
    }

    static func insertPicture(item: Int64, position: Int, pdq: String, _ db: Database) throws {
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO picture(item, position, pdq) VALUES (?, ?, ?)")
            .execute(arguments: [item, position, pdq])
    }

    /// Keeps the strongest evidence per (source, target, signal).
    static func insertEdge(_ edge: StoredEdge, _ db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO edge(source, target, signal, detail, weight) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(source, target, signal) DO UPDATE SET detail = excluded.detail, weight = excluded.weight
            WHERE excluded.weight > edge.weight
            """).execute(arguments: [edge.from, edge.to, edge.signal, edge.detail, edge.weight])
    }

    static func cluster(of id: Int64, _ db: Database) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT cluster FROM item WHERE id = ?"), arguments: [id]) ?? id
    }

    static func clusterSize(_ cluster: Int64, _ db: Database) throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM item WHERE cluster = ?"), arguments: [cluster]) ?? 0
    }

    static func relabel(cluster: Int64, to target: Int64, _ db: Database) throws {
        try db.cachedStatement(sql: "UPDATE item SET cluster = ? WHERE cluster = ?").execute(arguments: [target, cluster])
    }

    static func setCluster(items: [Int64], to cluster: Int64, _ db: Database) throws {
        let statement = try db.cachedStatement(sql: "UPDATE item SET cluster = ? WHERE id = ?")
        for item in items { try statement.execute(arguments: [cluster, item]) }
    }

    static func members(of cluster: Int64, _ db: Database) throws -> [StoredItem] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT id, key, json, cluster, emitted FROM item WHERE cluster = ? ORDER BY id"), arguments: [cluster])
            .map(storedItem)
    }

    /// Every edge that starts at one of the cluster's members (both ends are members).
    static func edges(ofCluster cluster: Int64, _ db: Database) throws -> [StoredEdge] {
        try Row.fetchAll(
            db.cachedStatement(sql: """
                SELECT e.source, e.target, e.signal, e.detail, e.weight FROM edge e
                JOIN item i ON i.id = e.source WHERE i.cluster = ?
                """),
            arguments: [cluster]
        ).map { StoredEdge(from: $0[0], to: $0[1], signal: $0[2], detail: $0[3], weight: $0[4]) }
    }
}

/// A cross-link failure a user can act on.
public struct CrossLinkError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
