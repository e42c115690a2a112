import Foundation
import GRDB
import TouchstoneCore
import Transport

/// Applies topic messages to the view inside a write transaction. It does no
/// I/O besides the database it is handed: the consume loop owns the
/// transaction, this type owns what a message means for the rows.
enum ViewWriter {
    /// A topic message read into what it means, before any database work, so
    /// that unreadable messages can go to `dead-letters` before the batch commits.
    enum Decoded: Sendable {
        case findings(ItemFindings)
        /// An empty value on the compacted `findings` topic: the item is gone.
        case tombstone(key: String)
        case alert(Alert)
        case decision(Decision)
        case rejected(reason: String)
    }

    /// Reads one message. Pure: no database, no I/O.
    static func decode(_ message: ConsumedMessage) -> Decoded {
        do {
            switch message.topic {
            case TopicName.findings:
                if message.value.isEmpty {
                    guard let key = message.keyText else { return .rejected(reason: "empty findings message without a key") }
                    return .tombstone(key: key)
                }
                let findings = try TopicJSON.decode(ItemFindings.self, from: message.value)
                let key = findings.item.key
                if let messageKey = message.keyText, messageKey != key {
                    return .rejected(reason: "findings message key '\(messageKey)' is not its item's key '\(key)'")
                }
                var brands = Set<String>()
                for verdict in findings.verdicts where !brands.insert(verdict.brand).inserted {
                    return .rejected(reason: "findings message for \(key) has two verdicts for brand '\(verdict.brand)'")
                }
                return .findings(findings)
            case TopicName.alerts:
                return .alert(try TopicJSON.decode(Alert.self, from: message.value))
            case TopicName.decisions:
                return .decision(try TopicJSON.decode(Decision.self, from: message.value))
            default:
                return .rejected(reason: "the materializer does not read topic '\(message.topic)'")
            }
        } catch let error as DecodingError {
            return .rejected(reason: describe(error, topic: message.topic))
        } catch {
            return .rejected(reason: "\(message.topic) message unreadable: \(error)")
        }
    }

    /// Applies a decoded batch and advances the stored offsets, all in the
    /// caller's transaction. Messages below the stored offset of their
    /// partition are already in the view and are skipped. Returns how many were applied.
    @discardableResult
    static func apply(_ batch: [(message: ConsumedMessage, decoded: Decoded)], in db: Database) throws -> Int {
        var next = try storedOffsets(db)
        var touchedClusters = Set<String>()
        var touchedDecisionItems = Set<DecisionItem>()
        var applied = 0
        for (message, decoded) in batch {
            let position = message.position
            if let stored = next[position], message.offset < stored { continue }
            switch decoded {
            case .findings(let findings):
                try applyFindings(findings, message: message, in: db, touchedClusters: &touchedClusters)
            case .tombstone(let key):
                try removeItem(key, in: db, touchedClusters: &touchedClusters)
            case .alert(let alert):
                try applyAlert(alert, message: message, in: db)
            case .decision(let decision):
                touchedDecisionItems.insert(try applyDecision(decision, message: message, in: db))
            case .rejected(let reason):
                try recordRejection(message, reason: reason, in: db)
            }
            applied += 1
            next[position] = message.offset + 1
        }
        // Derived rows are recomputed from the base rows once per batch; they
        // depend only on the base rows, so batch boundaries do not show.
        for cluster in touchedClusters.sorted() {
            try recomputeCluster(cluster, in: db)
        }
        for item in touchedDecisionItems.sorted() {
            try recomputeDecisionState(item, in: db)
        }
        for (position, offset) in next {
            try db.cachedExecute(
                sql: "INSERT INTO consumer_offsets(topic, partition, next_offset) VALUES (?, ?, ?) ON CONFLICT(topic, partition) DO UPDATE SET next_offset = excluded.next_offset",
                arguments: [position.topic, Int64(position.partition), offset])
        }
        return applied
    }

    static func storedOffsets(_ db: Database) throws -> [TopicPartition: Int64] {
        var offsets: [TopicPartition: Int64] = [:]
        for row in try Row.fetchAll(try db.cachedStatement(sql: "SELECT topic, partition, next_offset FROM consumer_offsets")) {
            offsets[TopicPartition(topic: row["topic"], partition: Int32(row["partition"] as Int64))] = row["next_offset"]
        }
        return offsets
    }

    // MARK: findings

    static func removeItem(_ key: String, in db: Database, touchedClusters: inout Set<String>) throws {
        if let old = try String.fetchOne(try db.cachedStatement(sql: "SELECT cluster_id FROM items WHERE key = ?"), arguments: [key]) {
            touchedClusters.insert(old)
        }
        try db.cachedExecute(sql: "DELETE FROM items WHERE key = ?", arguments: [key])
    }

    static func applyFindings(_ findings: ItemFindings, message: ConsumedMessage, in db: Database, touchedClusters: inout Set<String>) throws {
        let item = findings.item
        let key = item.key
        // Replace everything the previous message for this item said; the
        // cascade removes its findings, reasons, pictures, links and edges,
        // which is how a verdict that no longer holds is retracted.
        try removeItem(key, in: db, touchedClusters: &touchedClusters)
        if let cluster = findings.clusterID { touchedClusters.insert(cluster) }

        let judgedBy = (item.profiles ?? []).map(\.brand).sorted()
        try db.cachedExecute(
            sql: """
                INSERT INTO items(key, platform, item_id, kind, url, title, text, account_id, account_handle,
                    price_amount, price_currency, posted_at, raw_topic, raw_partition, raw_offset, raw_sha256,
                    raw_source, raw_line, cluster_id, judged_by, message_json, source_partition, source_offset, judged_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                key, item.platform, item.itemID, item.kind.rawValue, item.url, item.title, item.text,
                item.account?.id, item.account?.handle, item.price?.amount, item.price?.currency, item.postedAt,
                item.raw?.topic, item.raw.map { Int64($0.partition) }, item.raw?.offset, item.raw?.sha256,
                item.raw?.source, item.raw?.line, findings.clusterID, "[" + judgedBy.map(ExportLine.string).joined(separator: ",") + "]",
                message.value.isEmpty ? "{}" : String(decoding: message.value, as: UTF8.self), Int64(message.partition), message.offset, message.timestamp,
            ])
        for (ordinal, picture) in item.pictures.enumerated() {
            try db.cachedExecute(
                sql: """
                    INSERT INTO item_pictures(key, ordinal, url, sha256, pdq, quality, width, height, matches_json, error)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    key, ordinal, picture.url, picture.sha256, picture.pdq, picture.quality, picture.width,
                    picture.height, try picture.matches.map(jsonText), picture.error,
                ])
        }
        for (ordinal, linked) in findings.linked.enumerated() {
            try db.cachedExecute(
                sql: "INSERT INTO item_linked(key, ordinal, platform, item_id) VALUES (?, ?, ?, ?)",
                arguments: [key, ordinal, linked.platform, linked.itemID])
        }
        for verdict in findings.verdicts {
            try db.cachedExecute(
                sql: """
                    INSERT INTO findings(key, brand, platform, item_id, severity, severity_rank, score, cluster_id, judged_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    key, verdict.brand, item.platform, item.itemID, verdict.severity.rawValue, verdict.severity.rank,
                    verdict.score, findings.clusterID, message.timestamp,
                ])
            for (ordinal, reason) in verdict.reasons.enumerated() {
                try db.cachedExecute(
                    sql: "INSERT INTO finding_reasons(key, brand, ordinal, signal, detail) VALUES (?, ?, ?, ?, ?)",
                    arguments: [key, verdict.brand, ordinal, reason.signal.rawValue, reason.detail])
            }
        }
        for (ordinal, edge) in findings.edges.enumerated() {
            try db.cachedExecute(
                sql: """
                    INSERT INTO cluster_edges(reported_by, ordinal, cluster_id, from_key, to_key, signal, detail, weight)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [key, ordinal, findings.clusterID, edge.from, edge.to, edge.signal.rawValue, edge.detail, edge.weight])
        }
    }

    static func recomputeCluster(_ cluster: String, in db: Database) throws {
        try db.cachedExecute(sql: "DELETE FROM clusters WHERE cluster_id = ?", arguments: [cluster])
        let members = try Row.fetchAll(try db.cachedStatement(sql: "SELECT key, platform FROM items WHERE cluster_id = ?"), arguments: [cluster])
        guard !members.isEmpty else { return }
        let platforms = Set(members.map { $0["platform"] as String }).sorted()
        let verdicts = try Row.fetchAll(try db.cachedStatement(sql: "SELECT brand, severity_rank, score FROM findings WHERE cluster_id = ?"), arguments: [cluster])
        var maxRank = 0
        var maxScore = 0.0
        var brands = Set<String>()
        for verdict in verdicts {
            let rank: Int = verdict["severity_rank"]
            maxRank = max(maxRank, rank)
            maxScore = max(maxScore, verdict["score"])
            if rank > 0 { brands.insert(verdict["brand"]) }
        }
        let severity = Severity.allCases[maxRank]
        try db.cachedExecute(
            sql: """
                INSERT INTO clusters(cluster_id, item_count, platform_count, platforms, brands, max_severity, max_severity_rank, max_score)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                cluster, members.count, platforms.count, platforms.joined(separator: ","),
                brands.sorted().joined(separator: ","), severity.rawValue, maxRank, maxScore,
            ])
    }

    // MARK: alerts

    static func applyAlert(_ alert: Alert, message: ConsumedMessage, in db: Database) throws {
        try db.cachedExecute(
            sql: """
                INSERT OR REPLACE INTO alerts(alert_id, brand, platform, item_id, kind, url, severity, severity_rank, score,
                    reasons_json, cluster_id, linked_json, raised_at, source_partition, source_offset)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                alert.alertID, alert.brand, alert.platform, alert.itemID, alert.kind.rawValue, alert.url,
                alert.severity.rawValue, alert.severity.rank, alert.score, try jsonText(alert.reasons), alert.clusterID,
                try jsonText(alert.linked), alert.raisedAt, Int64(message.partition), message.offset,
            ])
    }

    // MARK: decisions

    struct DecisionItem: Hashable, Comparable {
        var brand: String
        var platform: String
        var itemID: String

        static func < (lhs: DecisionItem, rhs: DecisionItem) -> Bool {
            (lhs.brand, lhs.platform, lhs.itemID) < (rhs.brand, rhs.platform, rhs.itemID)
        }
    }

    static func applyDecision(_ decision: Decision, message: ConsumedMessage, in db: Database) throws -> DecisionItem {
        try db.cachedExecute(
            sql: """
                INSERT OR REPLACE INTO decisions(partition, offset, brand, platform, item_id, action, by, note, at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                Int64(message.partition), message.offset, decision.brand, decision.platform, decision.itemID,
                decision.action.rawValue, decision.by, decision.note, decision.at,
            ])
        return DecisionItem(brand: decision.brand, platform: decision.platform, itemID: decision.itemID)
    }

    /// The latest decision wins: by its time, then its topic position, so the
    /// outcome does not depend on the order partitions were read in.
    static func recomputeDecisionState(_ item: DecisionItem, in db: Database) throws {
        let arguments: StatementArguments = [item.brand, item.platform, item.itemID]
        try db.cachedExecute(sql: "DELETE FROM decision_state WHERE brand = ? AND platform = ? AND item_id = ?", arguments: arguments)
        try db.cachedExecute(
            sql: """
                INSERT INTO decision_state(brand, platform, item_id, action, by, note, at, partition, offset)
                SELECT brand, platform, item_id, action, by, note, at, partition, offset FROM decisions
                WHERE brand = ? AND platform = ? AND item_id = ?
                ORDER BY at DESC, partition DESC, offset DESC LIMIT 1
                """,
            arguments: arguments)
        try db.cachedExecute(sql: "DELETE FROM takedowns WHERE brand = ? AND platform = ? AND item_id = ?", arguments: arguments)
        let sent = try Row.fetchOne(
            try db.cachedStatement(sql: """
                SELECT at, by, note FROM decisions WHERE brand = ? AND platform = ? AND item_id = ? AND action = 'takedown-sent'
                ORDER BY at DESC, partition DESC, offset DESC LIMIT 1
                """),
            arguments: arguments)
        let removedAt = try String.fetchOne(try db.cachedStatement(sql: "SELECT max(at) FROM decisions WHERE brand = ? AND platform = ? AND item_id = ? AND action = 'removed'"),
            arguments: arguments)
        if sent != nil || removedAt != nil {
            try db.cachedExecute(
                sql: "INSERT INTO takedowns(brand, platform, item_id, sent_at, sent_by, note, removed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [item.brand, item.platform, item.itemID, sent?["at"] as String?, sent?["by"] as String?,
                            sent?["note"] as String?, removedAt])
        }
    }

    // MARK: helpers

    static func recordRejection(_ message: ConsumedMessage, reason: String, in db: Database) throws {
        try db.cachedExecute(
            sql: "INSERT OR REPLACE INTO rejected_messages(topic, partition, offset, reason) VALUES (?, ?, ?, ?)",
            arguments: [message.topic, Int64(message.partition), message.offset, reason])
    }

    static func jsonText<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try TopicJSON.encode(value), as: UTF8.self)
    }

    static func describe(_ error: DecodingError, topic: String) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let text = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.hasPrefix(".") ? String(text.dropFirst()) : text
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context)
            return "\(topic) message lacks field '\(parent.isEmpty ? key.stringValue : parent + "." + key.stringValue)'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(topic) message field '\(path(context))': \(context.debugDescription)"
        case .dataCorrupted(let context):
            let where_ = path(context)
            return "\(topic) message is not valid JSON\(where_.isEmpty ? "" : " at '\(where_)'"): \(context.debugDescription)"
        @unknown default:
            return "\(topic) message unreadable: \(error)"
        }
    }
}

/// Why the materializer could not do something, in words a user can act on.
public enum MaterializerError: Error, CustomStringConvertible, Sendable {
    /// A topic message it cannot read (goes to `dead-letters`).
    case unreadable(String)
    /// No view file where one was expected.
    case noView(path: String)
    /// The view file exists but cannot be used.
    case badView(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let reason): reason
        case .noView(let path): "no findings view at \(path) yet: run `touchstone run` (or `touchstone demo`) first, or pass the --data folder it used"
        case .badView(let path, let reason): "cannot use the findings view at \(path): \(reason)"
        }
    }
}

extension Database {
    /// Executes through the statement cache: the writer runs the same few
    /// statements for every message, and parsing them each time would dominate.
    func cachedExecute(sql: String, arguments: StatementArguments = []) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }
}
