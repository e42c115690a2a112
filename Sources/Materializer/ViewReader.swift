import Foundation
import GRDB
import TouchstoneCore

/// Which findings a query wants.
public struct FindingFilter: Sendable, Hashable {
    public var brand: String?
    public var platform: String?
    /// One item's findings (with `platform`).
    public var itemID: String?
    /// This severity and above.
    public var minSeverity: Severity?
    /// Judged at or after this many milliseconds since the epoch.
    public var since: Int64?
    public var cluster: String?
    /// Also verdicts of severity `none` (and, for export, items judged clean by every brand).
    public var includeClean: Bool
    /// Also findings a human dismissed.
    public var includeDismissed: Bool
    public var limit: Int?

    public init(brand: String? = nil, platform: String? = nil, itemID: String? = nil, minSeverity: Severity? = nil, since: Int64? = nil,
                cluster: String? = nil, includeClean: Bool = false, includeDismissed: Bool = true, limit: Int? = nil) {
        self.brand = brand
        self.platform = platform
        self.itemID = itemID
        self.minSeverity = minSeverity
        self.since = since
        self.cluster = cluster
        self.includeClean = includeClean
        self.includeDismissed = includeDismissed
        self.limit = limit
    }
}

/// A finding as the CLI table, the API and the UI show it.
public struct FindingSummary: Codable, Sendable, Hashable {
    public var brand: String
    public var platform: String
    public var itemID: String
    public var kind: ItemKind
    public var url: String?
    public var title: String?
    /// The start of the item's text (caption, description), for display.
    public var text: String?
    public var account: String?
    public var severity: Severity
    public var score: Double
    public var reasons: [Reason]
    public var clusterID: String?
    public var linked: [LinkedItem]
    /// The latest human decision on it, if any (`confirmed`, `dismissed`, `takedown-sent`, `removed`).
    public var decision: String?
    /// When the pipeline judged it, ISO 8601 UTC.
    public var judgedAt: String

    enum CodingKeys: String, CodingKey {
        case brand, platform, kind, url, title, text, account, severity, score, reasons, linked, decision
        case itemID = "item_id"
        case clusterID = "cluster_id"
        case judgedAt = "judged_at"
    }

    /// The line `touchstone export findings` writes for it.
    public var exported: ExportedFinding {
        ExportedFinding(brand: brand, platform: platform, itemID: itemID, kind: kind, url: url, severity: severity,
                        score: score, reasons: reasons, clusterID: clusterID, linked: linked)
    }
}

/// One item of a cluster with its evidence.
public struct ClusterMember: Codable, Sendable, Hashable {
    public var platform: String
    public var itemID: String
    public var kind: ItemKind
    public var url: String?
    public var title: String?
    /// The start of the item's text (caption, description), for display.
    public var text: String?
    public var account: String?
    public var severity: Severity
    public var score: Double
    /// SHA-256 of the untouched input line and where it came from.
    public var rawSHA256: String?
    public var rawSource: String?
    public var rawLine: Int?
    public var pictures: [Picture]

    enum CodingKeys: String, CodingKey {
        case platform, kind, url, title, text, account, severity, score, pictures
        case itemID = "item_id"
        case rawSHA256 = "raw_sha256"
        case rawSource = "raw_source"
        case rawLine = "raw_line"
    }
}

public struct ClusterSummary: Codable, Sendable, Hashable {
    public var clusterID: String
    public var itemCount: Int
    public var platforms: [String]
    public var brands: [String]
    public var maxSeverity: Severity
    public var maxScore: Double

    enum CodingKeys: String, CodingKey {
        case platforms, brands
        case clusterID = "cluster_id"
        case itemCount = "item_count"
        case maxSeverity = "max_severity"
        case maxScore = "max_score"
    }
}

public struct ClusterDetail: Codable, Sendable, Hashable {
    public var summary: ClusterSummary
    public var members: [ClusterMember]
    public var edges: [ClusterEdge]
}

/// A finding with everything needed to judge it and to draft a notice.
public struct FindingDetail: Codable, Sendable, Hashable {
    public var finding: FindingSummary
    /// The canonical item as the pipeline last saw it (pictures, signals, raw reference).
    public var item: Item
    public var cluster: ClusterDetail?
    public var decisions: [DecisionRecord]
    public var takedown: TakedownRecord?
}

public struct DecisionRecord: Codable, Sendable, Hashable {
    public var brand: String
    public var platform: String
    public var itemID: String
    public var action: String
    public var by: String?
    public var note: String?
    public var at: String

    enum CodingKeys: String, CodingKey {
        case brand, platform, action, by, note, at
        case itemID = "item_id"
    }
}

public struct TakedownRecord: Codable, Sendable, Hashable {
    public var sentAt: String?
    public var sentBy: String?
    public var note: String?
    public var removedAt: String?

    enum CodingKeys: String, CodingKey {
        case note
        case sentAt = "sent_at"
        case sentBy = "sent_by"
        case removedAt = "removed_at"
    }
}

/// Totals for a summary line or the UI header.
public struct ViewStats: Codable, Sendable, Hashable {
    public var items: Int
    /// Findings by severity name (every severity present, zero included).
    public var findingsBySeverity: [String: Int]
    public var clusters: Int
    public var crossPlatformClusters: Int
    public var alerts: Int
    public var decisions: Int
    public var rejectedMessages: Int

    enum CodingKeys: String, CodingKey {
        case items, clusters, alerts, decisions
        case findingsBySeverity = "findings_by_severity"
        case crossPlatformClusters = "cross_platform_clusters"
        case rejectedMessages = "rejected_messages"
    }
}

/// Read-only queries over the view file. Safe to use while the materializer
/// writes (WAL readers see the last committed batch).
public final class ViewReader: Sendable {
    public let path: URL
    let pool: DatabasePool

    /// Opens the view at `path` read-only; throws ``MaterializerError/noView(path:)`` when there is none.
    public init(path: URL) throws {
        self.path = path
        guard FileManager.default.fileExists(atPath: path.path) else { throw MaterializerError.noView(path: path.path) }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.label = "touchstone.view.reader"
        configuration.busyMode = .timeout(10)
        do {
            pool = try DatabasePool(path: path.path, configuration: configuration)
            _ = try pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM consumer_offsets") }
        } catch let error as DatabaseError {
            throw MaterializerError.badView(path: path.path, reason: error.message ?? "\(error)")
        }
    }

    // MARK: findings

    public func findings(_ filter: FindingFilter) throws -> [FindingSummary] {
        try pool.read { db in
            var result: [FindingSummary] = []
            try Self.forEachFinding(filter, db: db) { result.append($0) }
            return result
        }
    }

    /// The lines of `touchstone export findings`, in a stable order (brand, platform, item id),
    /// handed over one by one so that a large view streams. With `filter.includeClean`,
    /// items judged clean by a brand's profile and with no verdict are exported with severity `none`.
    public func exportFindings(_ filter: FindingFilter, _ body: (ExportedFinding) throws -> Void) throws {
        try pool.read { db in
            try Self.forEachFinding(filter, db: db) { try body($0.exported) }
            guard filter.includeClean, filter.minSeverity == nil || filter.minSeverity == Severity.none else { return }
            // Judged by a profile, yet no verdict at all for that brand: clean.
            var sql = "SELECT key, platform, item_id, kind, url, cluster_id, judged_by FROM items WHERE judged_by != '[]'"
            var arguments: StatementArguments = []
            if let platform = filter.platform { sql += " AND platform = ?"; arguments += [platform] }
            if let cluster = filter.cluster { sql += " AND cluster_id = ?"; arguments += [cluster] }
            if let since = filter.since { sql += " AND judged_at >= ?"; arguments += [since] }
            sql += " ORDER BY platform, item_id"
            var clean: [ExportedFinding] = []
            for row in try Row.fetchAll(db, sql: sql, arguments: arguments) {
                let key: String = row["key"]
                let judgedBy = (try? JSONDecoder().decode([String].self, from: Data((row["judged_by"] as String).utf8))) ?? []
                let withVerdict = Set(try String.fetchAll(db, sql: "SELECT brand FROM findings WHERE key = ?", arguments: [key]))
                let linked = try Self.linked(key: key, db: db)
                for brand in judgedBy where !withVerdict.contains(brand) && (filter.brand == nil || filter.brand == brand) {
                    clean.append(ExportedFinding(
                        brand: brand, platform: row["platform"], itemID: row["item_id"],
                        kind: ItemKind(rawValue: row["kind"]) ?? .post, url: row["url"], severity: .none, score: 0,
                        reasons: [], clusterID: row["cluster_id"], linked: linked))
                }
            }
            clean.sort { ($0.brand, $0.platform, $0.itemID) < ($1.brand, $1.platform, $1.itemID) }
            for line in clean { try body(line) }
        }
    }

    static func forEachFinding(_ filter: FindingFilter, db: Database, _ body: (FindingSummary) throws -> Void) throws {
        var sql = """
            SELECT f.key, f.brand, f.platform, f.item_id, f.severity, f.score, f.cluster_id, f.judged_at,
                   i.kind, i.url, i.title, substr(i.text, 1, 200) AS text, i.account_handle, i.account_id, d.action AS decision
            FROM findings f JOIN items i ON i.key = f.key
            LEFT JOIN decision_state d ON d.brand = f.brand AND d.platform = f.platform AND d.item_id = f.item_id
            WHERE 1
            """
        var arguments: StatementArguments = []
        if let brand = filter.brand { sql += " AND f.brand = ?"; arguments += [brand] }
        if let platform = filter.platform { sql += " AND f.platform = ?"; arguments += [platform] }
        if let itemID = filter.itemID { sql += " AND f.item_id = ?"; arguments += [itemID] }
        if let severity = filter.minSeverity { sql += " AND f.severity_rank >= ?"; arguments += [severity.rank] }
        if !filter.includeClean { sql += " AND f.severity_rank > 0" }
        if !filter.includeDismissed { sql += " AND (d.action IS NULL OR d.action != 'dismissed')" }
        if let since = filter.since { sql += " AND f.judged_at >= ?"; arguments += [since] }
        if let cluster = filter.cluster { sql += " AND f.cluster_id = ?"; arguments += [cluster] }
        sql += filter.limit == nil ? " ORDER BY f.brand, f.platform, f.item_id" : " ORDER BY f.severity_rank DESC, f.score DESC, f.brand, f.platform, f.item_id"
        if let limit = filter.limit { sql += " LIMIT ?"; arguments += [limit] }
        let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
        while let row = try rows.next() {
            let key: String = row["key"]
            let brand: String = row["brand"]
            let reasons = try Row.fetchAll(
                try db.cachedStatement(sql: "SELECT signal, detail FROM finding_reasons WHERE key = ? AND brand = ? ORDER BY ordinal"),
                arguments: [key, brand]
            ).compactMap { reason -> Reason? in
                guard let signal = SignalName(rawValue: reason["signal"]) else { return nil }
                return Reason(signal: signal, detail: reason["detail"])
            }
            try body(FindingSummary(
                brand: brand, platform: row["platform"], itemID: row["item_id"],
                kind: ItemKind(rawValue: row["kind"]) ?? .post, url: row["url"], title: row["title"], text: row["text"],
                account: row["account_handle"] ?? row["account_id"],
                severity: Severity(rawValue: row["severity"]) ?? .none, score: row["score"], reasons: reasons,
                clusterID: row["cluster_id"], linked: try linked(key: key, db: db), decision: row["decision"],
                judgedAt: Timestamp.iso8601(Date(timeIntervalSince1970: Double(row["judged_at"] as Int64) / 1000))))
        }
    }

    static func linked(key: String, db: Database) throws -> [LinkedItem] {
        try Row.fetchAll(try db.cachedStatement(sql: "SELECT platform, item_id FROM item_linked WHERE key = ? ORDER BY ordinal"), arguments: [key])
            .map { LinkedItem(platform: $0["platform"], itemID: $0["item_id"]) }
    }

    /// One finding with its item, cluster, decisions and takedown. With no
    /// `brand`, the most severe verdict on the item.
    public func finding(platform: String, itemID: String, brand: String? = nil) throws -> FindingDetail? {
        try pool.read { db in
            let key = Item.key(platform: platform, itemID: itemID)
            var candidates: [FindingSummary] = []
            try Self.forEachFinding(FindingFilter(brand: brand, platform: platform, itemID: itemID, includeClean: true), db: db) {
                candidates.append($0)
            }
            let summary = candidates.max { ($0.severity, $0.score) < ($1.severity, $1.score) }
            guard let summary,
                  let item = try Self.storedItem(key: key, db: db)
            else { return nil }
            let cluster = try summary.clusterID.flatMap { try Self.cluster($0, db: db) }
            let decisions = try Row.fetchAll(
                db, sql: "SELECT * FROM decisions WHERE brand = ? AND platform = ? AND item_id = ? ORDER BY at, partition, offset",
                arguments: [summary.brand, platform, itemID]
            ).map(Self.decisionRecord)
            let takedown = try Row.fetchOne(
                db, sql: "SELECT * FROM takedowns WHERE brand = ? AND platform = ? AND item_id = ?",
                arguments: [summary.brand, platform, itemID]
            ).map { TakedownRecord(sentAt: $0["sent_at"], sentBy: $0["sent_by"], note: $0["note"], removedAt: $0["removed_at"]) }
            return FindingDetail(finding: summary, item: item, cluster: cluster, decisions: decisions, takedown: takedown)
        }
    }

    /// The canonical item as the view holds it, verdict or not.
    public func item(platform: String, itemID: String) throws -> Item? {
        try pool.read { db in
            try Self.storedItem(key: Item.key(platform: platform, itemID: itemID), db: db)
        }
    }

    static func storedItem(key: String, db: Database) throws -> Item? {
        try String.fetchOne(db, sql: "SELECT message_json FROM items WHERE key = ?", arguments: [key])
            .flatMap { try? JSONDecoder().decode(ItemFindings.self, from: Data($0.utf8)).item }
    }

    // MARK: clusters

    public func clusters(minSeverity: Severity? = nil, crossPlatformOnly: Bool = false, limit: Int = 200) throws -> [ClusterSummary] {
        try pool.read { db in
            var sql = "SELECT * FROM clusters WHERE max_severity_rank >= ?"
            if crossPlatformOnly { sql += " AND platform_count > 1" }
            sql += " ORDER BY max_severity_rank DESC, max_score DESC, cluster_id LIMIT ?"
            return try Row.fetchAll(db, sql: sql, arguments: [minSeverity?.rank ?? 0, limit]).map(Self.clusterSummary)
        }
    }

    public func cluster(_ id: String) throws -> ClusterDetail? {
        try pool.read { db in try Self.cluster(id, db: db) }
    }

    static func clusterSummary(_ row: Row) -> ClusterSummary {
        func list(_ text: String) -> [String] { text.isEmpty ? [] : text.split(separator: ",").map(String.init) }
        return ClusterSummary(
            clusterID: row["cluster_id"], itemCount: row["item_count"], platforms: list(row["platforms"]),
            brands: list(row["brands"]), maxSeverity: Severity(rawValue: row["max_severity"]) ?? .none, maxScore: row["max_score"])
    }

    static func cluster(_ id: String, db: Database) throws -> ClusterDetail? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM clusters WHERE cluster_id = ?", arguments: [id]) else { return nil }
        let members = try Row.fetchAll(
            db,
            sql: """
                SELECT i.key, i.platform, i.item_id, i.kind, i.url, i.title, substr(i.text, 1, 200) AS text, i.account_handle, i.account_id,
                       i.raw_sha256, i.raw_source, i.raw_line,
                       coalesce(max(f.severity_rank), 0) AS rank, coalesce(max(f.score), 0) AS score
                FROM items i LEFT JOIN findings f ON f.key = i.key
                WHERE i.cluster_id = ? GROUP BY i.key ORDER BY rank DESC, score DESC, i.key
                """,
            arguments: [id]
        ).map { member -> ClusterMember in
            let key: String = member["key"]
            let pictures = try Row.fetchAll(db, sql: "SELECT * FROM item_pictures WHERE key = ? ORDER BY ordinal", arguments: [key]).map { p in
                var picture = Picture(url: p["url"])
                picture.sha256 = p["sha256"]
                picture.pdq = p["pdq"]
                picture.quality = p["quality"]
                picture.width = p["width"]
                picture.height = p["height"]
                picture.error = p["error"]
                if let matches = p["matches_json"] as String? {
                    picture.matches = try? JSONDecoder().decode([ReferenceMatch].self, from: Data(matches.utf8))
                }
                return picture
            }
            return ClusterMember(
                platform: member["platform"], itemID: member["item_id"], kind: ItemKind(rawValue: member["kind"]) ?? .post,
                url: member["url"], title: member["title"], text: member["text"], account: member["account_handle"] ?? member["account_id"],
                severity: Severity.allCases[min(max(member["rank"] as Int, 0), 4)], score: member["score"],
                rawSHA256: member["raw_sha256"], rawSource: member["raw_source"], rawLine: member["raw_line"], pictures: pictures)
        }
        // Several members may report the same edge; show each once.
        let edges = try Row.fetchAll(
            db,
            sql: """
                SELECT DISTINCT from_key, to_key, signal, detail, weight FROM cluster_edges
                WHERE cluster_id = ? ORDER BY weight DESC, from_key, to_key, signal, detail
                """,
            arguments: [id]
        ).compactMap { edge -> ClusterEdge? in
            guard let signal = SignalName(rawValue: edge["signal"]) else { return nil }
            return ClusterEdge(from: edge["from_key"], to: edge["to_key"], signal: signal, detail: edge["detail"], weight: edge["weight"])
        }
        return ClusterDetail(summary: clusterSummary(row), members: members, edges: edges)
    }

    // MARK: alerts, decisions, totals

    public func alerts(brand: String? = nil, limit: Int = 200) throws -> [Alert] {
        try pool.read { db in
            var sql = "SELECT * FROM alerts"
            var arguments: StatementArguments = []
            if let brand { sql += " WHERE brand = ?"; arguments += [brand] }
            sql += " ORDER BY raised_at DESC, alert_id LIMIT ?"
            arguments += [limit]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                let decoder = JSONDecoder()
                return Alert(
                    brand: row["brand"], platform: row["platform"], itemID: row["item_id"],
                    kind: ItemKind(rawValue: row["kind"]) ?? .post, url: row["url"],
                    severity: Severity(rawValue: row["severity"]) ?? .none, score: row["score"],
                    reasons: (try? decoder.decode([Reason].self, from: Data((row["reasons_json"] as String).utf8))) ?? [],
                    clusterID: row["cluster_id"],
                    linked: (try? decoder.decode([LinkedItem].self, from: Data((row["linked_json"] as String).utf8))) ?? [],
                    raisedAt: row["raised_at"])
            }
        }
    }

    public func decisions(limit: Int = 200) throws -> [DecisionRecord] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM decisions ORDER BY at DESC, partition DESC, offset DESC LIMIT ?", arguments: [limit])
                .map(Self.decisionRecord)
        }
    }

    static func decisionRecord(_ row: Row) -> DecisionRecord {
        DecisionRecord(brand: row["brand"], platform: row["platform"], itemID: row["item_id"], action: row["action"],
                       by: row["by"], note: row["note"], at: row["at"])
    }

    public func stats() throws -> ViewStats {
        try pool.read { db in
            var bySeverity = Dictionary(uniqueKeysWithValues: Severity.allCases.map { ($0.rawValue, 0) })
            for row in try Row.fetchAll(db, sql: "SELECT severity, count(*) AS n FROM findings GROUP BY severity") {
                bySeverity[row["severity"]] = row["n"]
            }
            func count(_ sql: String) throws -> Int { try Int.fetchOne(db, sql: sql) ?? 0 }
            return ViewStats(
                items: try count("SELECT count(*) FROM items"), findingsBySeverity: bySeverity,
                clusters: try count("SELECT count(*) FROM clusters"),
                crossPlatformClusters: try count("SELECT count(*) FROM clusters WHERE platform_count > 1"),
                alerts: try count("SELECT count(*) FROM alerts"), decisions: try count("SELECT count(*) FROM decisions"),
                rejectedMessages: try count("SELECT count(*) FROM rejected_messages"))
        }
    }

    /// Every row of every table, sorted, as text: for comparing two views row for row.
    public func dump() throws -> [String: [String]] {
        try pool.read { try ViewDump.dump($0) }
    }
}
