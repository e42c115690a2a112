import Foundation
import GRDB
import StreamProcessing
import TouchstoneCore
import Transport

/// The alert stage: consumes `findings`, produces `alerts` (keyed by item key)
/// and, for webhooks that keep failing, `dead-letters`.
///
/// ## What raises an alert
///
/// Each verdict of an ``ItemFindings`` carries the severity cross-link's
/// `RiskScorer` computed (the scoring is documented there, in one place; a
/// linked cluster member already carries what it inherits). A verdict raises
/// an alert when its severity is at least its brand's ``AlertPolicy/minSeverity``
/// and higher than any severity already alerted for that brand and item. The
/// highest alerted severity per (brand, item) is kept durably, so an item alerts
/// again only when its severity rises, across restarts and replays; a verdict
/// that falls or is retracted raises nothing.
///
/// ## Sinks and delivery
///
/// Every alert goes to the `alerts` topic (any Kafka client subscribes; `touchstone
/// alerts tail` follows it). Each webhook of the brand's policy gets a JSON POST of
/// the ``Alert`` signed `X-Touchstone-Signature: sha256=<hex HMAC-SHA256 of the body>`
/// with the secret from the environment variable the profile names, tried up to
/// ``RetryPolicy/maxAttempts`` times with exponentially growing waits; what still
/// fails becomes a dead letter (stage `alert-webhook`) holding the alert. Delivery is
/// at least once: the dedupe table commits with the input offsets in
/// ``batchDidComplete(_:)``, so a crash in between may repeat a delivery;
/// receivers deduplicate by `alert_id` (also in header `X-Touchstone-Alert-Id`).
public actor AlertProcessor: StreamProcessor {
    public nonisolated let stageName = "alert"
    public nonisolated let inputTopics = [TopicName.findings]
    public nonisolated let outputTopics = [TopicName.alerts, TopicName.deadLetters]

    let configuration: AlertConfiguration
    let store: AlertStore
    let client: any WebhookClient
    let secrets: [String: String]
    let now: @Sendable () -> String

    /// - Parameters:
    ///   - statePath: the dedupe table's SQLite file (conventionally ``statePath(dataDirectory:)``); nil keeps it in memory.
    ///   - environment: where webhook secrets are read (`secret_env`); every one named must be set.
    public init(
        statePath: String?, configuration: AlertConfiguration,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        client: any WebhookClient = URLSessionWebhookClient(),
        now: @escaping @Sendable () -> String = { Timestamp.now() }
    ) throws {
        var secrets: [String: String] = [:]
        for (brand, policy) in configuration.policies.sorted(by: { $0.key < $1.key }) + [("(default)", configuration.defaultPolicy)] {
            for case .webhook(let url, let secretEnv) in policy.sinks {
                guard let parsed = URL(string: url), let scheme = parsed.scheme, ["http", "https"].contains(scheme.lowercased()) else {
                    throw AlertError("brand \(brand): webhook url '\(url)' is not an http(s) URL")
                }
                if let secretEnv {
                    guard let secret = environment[secretEnv], !secret.isEmpty else {
                        throw AlertError("brand \(brand): webhook \(url) takes its secret from $\(secretEnv), which is not set")
                    }
                    secrets[secretEnv] = secret
                }
            }
        }
        self.configuration = configuration
        self.store = try AlertStore(path: statePath)
        self.client = client
        self.secrets = secrets
        self.now = now
    }

    /// The conventional dedupe file under a data directory: `<data>/state/alert/state.sqlite`.
    public static func statePath(dataDirectory: URL) -> String {
        dataDirectory.appendingPathComponent("state/alert", isDirectory: true).appendingPathComponent("state.sqlite").path
    }

    public func process(_ message: ConsumedMessage) async throws -> [OutgoingMessage] {
        let findings: ItemFindings
        do {
            findings = try TopicJSON.decode(ItemFindings.self, from: message.value)
        } catch {
            throw StageError("not an item's findings (\(message.topic)[\(message.partition)]@\(message.offset)): \(error)")
        }
        return try await route(findings, position: message)
    }

    /// The alerts a findings message raises (plain values, for tests).
    public func alerts(for findings: ItemFindings) async throws -> [OutgoingMessage] {
        try await route(findings, position: nil)
    }

    func route(_ findings: ItemFindings, position: ConsumedMessage?) async throws -> [OutgoingMessage] {
        var outputs: [OutgoingMessage] = []
        let item = findings.item
        for verdict in findings.verdicts.sorted(by: { $0.brand < $1.brand }) {
            let policy = configuration.policy(for: verdict.brand)
            guard verdict.severity >= policy.minSeverity, verdict.severity > .none else { continue }
            let last = try store.alertedSeverity(brand: verdict.brand, itemKey: item.key)
            if let last, last >= verdict.severity { continue }
            let alert = Alert(
                brand: verdict.brand, platform: item.platform, itemID: item.itemID, kind: item.kind, url: item.url,
                severity: verdict.severity, score: verdict.score, reasons: verdict.reasons,
                clusterID: findings.clusterID, linked: findings.linked, raisedAt: now())
            let body = try TopicJSON.encode(alert)
            outputs.append(OutgoingMessage(topic: TopicName.alerts, key: item.key, value: body))
            for case .webhook(let url, let secretEnv) in policy.sinks {
                let delivery = WebhookDelivery(
                    url: URL(string: url)!, secret: secretEnv.flatMap { secrets[$0] }, retry: configuration.retry, client: client)
                if case .failed(let attempts, let lastError) = await delivery.deliver(body, alertID: alert.alertID) {
                    let letter = DeadLetter(
                        stage: "alert-webhook",
                        reason: "webhook \(url) refused alert \(alert.alertID) \(attempts) times (last: \(lastError)); resend the payload once the receiver works",
                        source: url, topic: position?.topic, partition: position?.partition, offset: position?.offset,
                        payload: body, at: now())
                    outputs.append(OutgoingMessage(topic: TopicName.deadLetters, key: item.key, value: try TopicJSON.encode(letter)))
                }
            }
            try store.recordAlert(brand: verdict.brand, itemKey: item.key, severity: verdict.severity, alertID: alert.alertID, at: alert.raisedAt)
        }
        return outputs
    }

    public func batchDidComplete(_ offsets: [TopicPartition: Int64]) async throws {
        try store.commit(offsets: offsets)
    }

    /// Commits the dedupe table (tests and tools that do not go through a ``StageRunner``).
    public func checkpoint(_ offsets: [TopicPartition: Int64] = [:]) throws {
        try store.commit(offsets: offsets)
    }
}

/// The dedupe table: the highest severity alerted per brand and item, with the input offsets it reflects.
final class AlertStore: @unchecked Sendable {
    let queue: DatabaseQueue

    init(path: String?) throws {
        var configuration = Configuration()
        configuration.allowsUnsafeTransactions = true
        if let path {
            try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
            queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA journal_mode = WAL")
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
            }
        } else {
            queue = try DatabaseQueue(configuration: configuration)
        }
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE alerted (
                    brand TEXT NOT NULL,
                    item_key TEXT NOT NULL,
                    severity TEXT NOT NULL,
                    rank INTEGER NOT NULL,
                    alert_id TEXT NOT NULL,
                    at TEXT NOT NULL,
                    PRIMARY KEY (brand, item_key)
                ) WITHOUT ROWID;
                CREATE TABLE input_offset (
                    topic TEXT NOT NULL,
                    partition INTEGER NOT NULL,
                    next INTEGER NOT NULL,
                    PRIMARY KEY (topic, partition)
                ) WITHOUT ROWID;
                """)
        }
        try migrator.migrate(queue)
    }

    deinit {
        try? queue.writeWithoutTransaction { db in if db.isInsideTransaction { try db.rollback() } }
    }

    private func inBatch<T>(_ body: (Database) throws -> T) throws -> T {
        try queue.writeWithoutTransaction { db in
            if !db.isInsideTransaction { try db.beginTransaction(.immediate) }
            return try body(db)
        }
    }

    func alertedSeverity(brand: String, itemKey: String) throws -> Severity? {
        try inBatch { db in
            try String.fetchOne(db.cachedStatement(sql: "SELECT severity FROM alerted WHERE brand = ? AND item_key = ?"), arguments: [brand, itemKey])
                .flatMap(Severity.init(rawValue:))
        }
    }

    func recordAlert(brand: String, itemKey: String, severity: Severity, alertID: String, at: String) throws {
        try inBatch { db in
            try db.cachedStatement(sql: """
                INSERT INTO alerted(brand, item_key, severity, rank, alert_id, at) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(brand, item_key) DO UPDATE SET severity = excluded.severity, rank = excluded.rank,
                    alert_id = excluded.alert_id, at = excluded.at WHERE excluded.rank > alerted.rank
                """).execute(arguments: [brand, itemKey, severity.rawValue, severity.rank, alertID, at])
        }
    }

    func commit(offsets: [TopicPartition: Int64]) throws {
        try inBatch { db in
            for (partition, next) in offsets {
                try db.execute(
                    sql: "INSERT INTO input_offset(topic, partition, next) VALUES (?, ?, ?) ON CONFLICT(topic, partition) DO UPDATE SET next = excluded.next",
                    arguments: [partition.topic, Int64(partition.partition), next])
            }
            try db.commit()
        }
    }
}
