import ArgumentParser
import Foundation
import GRDB
import Materializer
import TouchstoneCore
import Transport

/// `touchstone-bench materializer`: findings per second into the SQLite view
/// (decode, replace, recompute clusters, store offsets — one transaction per
/// batch), against a same-run baseline of raw SQLite inserts of exactly the
/// rows the view ends up with, into the same schema, in as many transactions.
struct MaterializerBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "materializer",
        abstract: "Findings/s into the SQLite view vs raw SQLite inserts of the same rows; the view's size."
    )

    @Option(name: .long, help: "Findings messages to materialize.")
    var count = 50_000

    @Option(name: .long, help: "Messages per transaction.")
    var batchSize = 1000

    @Option(name: .long, help: "Repeat and keep the best run.")
    var runs = 3

    func run() async throws {
        let messages = Self.messages(count: count)
        let bytes = messages.reduce(0) { $0 + $1.value.count }
        print("materializer: \(count) findings messages (\(bytes / count) bytes each on average), batches of \(batchSize)")
        var best = (view: Double.infinity, raw: Double.infinity, decode: Double.infinity)
        var viewSize: Int64 = 0
        var rowCount = 0
        for _ in 0..<runs {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("touchstone-bench-\(UUID().uuidString.prefix(8))")
            defer { try? FileManager.default.removeItem(at: directory) }
            let viewPath = directory.appendingPathComponent("view.sqlite")
            let view = try MaterializedView(writingAt: viewPath)
            let start = ContinuousClock.now
            var transactions = 0
            var decoding = Duration.zero
            for batchStart in stride(from: 0, to: messages.count, by: batchSize) {
                let batch = Array(messages[batchStart..<min(messages.count, batchStart + batchSize)])
                let decodeStart = ContinuousClock.now
                let prepared = MaterializedView.prepare(batch)
                decoding += ContinuousClock.now - decodeStart
                try view.commitSynchronously(prepared)
                transactions += 1
            }
            let viewSeconds = (ContinuousClock.now - start).seconds
            if viewSeconds < best.view { best.decode = decoding.seconds }
            best.view = min(best.view, viewSeconds)

            // Baseline: the same rows, straight INSERTs into the same schema.
            let rows = try Self.rows(of: viewPath)
            rowCount = rows.reduce(0) { $0 + $1.rows.count }
            let rawPath = directory.appendingPathComponent("raw.sqlite")
            _ = try MaterializedView(writingAt: rawPath)  // same schema and indexes
            var configuration = Configuration()
            configuration.prepareDatabase { try $0.execute(sql: "PRAGMA synchronous = NORMAL") }
            let raw = try DatabasePool(path: rawPath.path, configuration: configuration)
            let perTransaction = max(1, rowCount / transactions)
            let flat = rows.flatMap { table in table.rows.map { (table.sql, $0) } }
            let rawStart = ContinuousClock.now
            for chunkStart in stride(from: 0, to: flat.count, by: perTransaction) {
                try await raw.write { db in
                    for (sql, arguments) in flat[chunkStart..<min(flat.count, chunkStart + perTransaction)] {
                        try db.cachedStatement(sql: sql).execute(arguments: arguments)
                    }
                }
            }
            best.raw = min(best.raw, (ContinuousClock.now - rawStart).seconds)

            try await DatabaseQueue(path: viewPath.path).writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
            viewSize = ["", "-wal", "-shm"].reduce(Int64(0)) { total, suffix in
                let size = (try? FileManager.default.attributesOfItem(atPath: viewPath.path + suffix)[.size] as? NSNumber)?.int64Value ?? 0
                return total + size
            }
        }
        let viewRate = Double(count) / best.view
        let rawRate = Double(count) / best.raw
        print(String(format: "  view:     %8.0f findings/s  (%.2f s, best of %d; %.2f s of it decoding JSON)", viewRate, best.view, runs, best.decode))
        print(String(format: "  baseline: %8.0f findings/s  (%.2f s: raw INSERTs of the same %d rows)", rawRate, best.raw, rowCount))
        print(String(format: "  ratio:    view takes %.2fx the raw insert time", best.view / best.raw))
        print(String(format: "  view size: %.1f MB (%.0f bytes per finding)", Double(viewSize) / 1_048_576, Double(viewSize) / Double(count)))
    }

    /// Every row of the view, as INSERT statements with their arguments, tables in dependency order.
    static func rows(of path: URL) throws -> [(sql: String, rows: [StatementArguments])] {
        let queue = try DatabaseQueue(path: path.path)
        return try queue.read { db in
            try ViewSchema.tables.map { table in
                let columns = try db.columns(in: table).map(\.name)
                let sql = "INSERT INTO \(table)(\(columns.joined(separator: ","))) VALUES (\(columns.map { _ in "?" }.joined(separator: ",")))"
                let rows = try Row.fetchAll(db, sql: "SELECT * FROM \(table)").map { row in
                    StatementArguments(columns.map { row[$0] as DatabaseValue })
                }
                return (sql, rows)
            }
        }
    }

    /// A realistic stream: posts and listings over six platforms, two reasons,
    /// a picture on most, clusters of a few items with edges, every fifth
    /// message re-judging an earlier item.
    static func messages(count: Int) -> [ConsumedMessage] {
        let platforms = ["instagram", "amazon", "ebay", "etsy", "tiktok", "x"]
        var state: UInt64 = 0x5EED
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        var offsets: [Int64] = [0, 0, 0]
        return (0..<count).map { index in
            let id = index > 100 && next() % 5 == 0 ? next() % UInt64(index) : UInt64(index)
            let platform = platforms[Int(id % 6)]
            var item = Item(platform: platform, itemID: "\(1_000_000_000 + id)", kind: id % 2 == 0 ? .post : .listing,
                            url: "https://\(platform).example/item/\(1_000_000_000 + id)", account: Account(handle: "seller\(id % 997)"),
                            title: "Moonphase watch gold tone navy dial \(id)", text: "Great gift, fast shipping, WhatsApp +44 7700 900\(id % 1000)",
                            price: Price(amount: "\(20 + id % 80).99", currency: "USD"))
            item.raw = RawRef(topic: "raw.listings", partition: 0, offset: Int64(id), sha256: SHA256Hex.of(Array("\(id)".utf8)),
                              source: "bench.ndjson", line: Int(id), capturedAt: "2026-11-28T10:00:00.000Z")
            if id % 5 != 0 {
                var picture = Picture(url: "https://img.example/\(id).jpg")
                picture.sha256 = SHA256Hex.of(Array("p\(id)".utf8))
                picture.pdq = SHA256Hex.of(Array("q\(id)".utf8))
                picture.quality = 90
                item.pictures = [picture]
            }
            item.profiles = [ProfileVersion(brand: "aurelle", version: "v1")]
            let severity = Severity.allCases[Int(next() % 5)]
            let cluster = id % 3 == 0 ? nil : "c-\(id / 4)"
            let verdicts = severity == .none ? [] : [BrandVerdict(brand: "aurelle", severity: severity, score: Double(next() % 1000) / 1000, reasons: [
                Reason(signal: .brandTerm, detail: "\"Aurelle\" in title"),
                Reason(signal: .priceUnderFloor, detail: "\(20 + id % 80).99 USD under floor 900 USD"),
            ])]
            let edges = cluster == nil ? [] : [ClusterEdge(from: item.key, to: "amazon:\(1_000_000_000 + id / 4 * 4)", signal: .linksTo, detail: "link in text", weight: 0.8)]
            let findings = ItemFindings(item: item, verdicts: verdicts, clusterID: cluster,
                                        linked: cluster == nil ? [] : [LinkedItem(platform: "amazon", itemID: "\(1_000_000_000 + id / 4 * 4)")], edges: edges)
            let partition = Int32(Murmur2Partitioner.partition(key: Array(item.key.utf8), partitions: 3))
            defer { offsets[Int(partition)] += 1 }
            return ConsumedMessage(topic: TopicName.findings, partition: partition, offset: offsets[Int(partition)],
                                   key: Array(item.key.utf8), value: try! TopicJSON.encode(findings), headers: [],
                                   timestamp: 1_764_000_000_000 + Int64(index))
        }
    }
}

