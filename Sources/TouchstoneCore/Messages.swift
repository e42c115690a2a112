/// The message on `alerts`: a verdict that reached its brand's minimum
/// severity for the first time, or rose above the last alert for the item.
public struct Alert: Codable, Sendable, Hashable {
    public static let schemaVersion = 1

    public var schema: Int
    /// Stable id: `brand:platform:item_id:severity`, so a retried delivery can be deduplicated.
    public var alertID: String
    public var brand: String
    public var platform: String
    public var itemID: String
    public var kind: ItemKind
    public var url: String?
    public var severity: Severity
    public var score: Double
    public var reasons: [Reason]
    public var clusterID: String?
    public var linked: [LinkedItem]
    /// ISO 8601 UTC.
    public var raisedAt: String

    public init(brand: String, platform: String, itemID: String, kind: ItemKind, url: String?, severity: Severity,
                score: Double, reasons: [Reason], clusterID: String?, linked: [LinkedItem], raisedAt: String) {
        self.schema = Alert.schemaVersion
        self.alertID = "\(brand):\(platform):\(itemID):\(severity.rawValue)"
        self.brand = brand
        self.platform = platform
        self.itemID = itemID
        self.kind = kind
        self.url = url
        self.severity = severity
        self.score = score
        self.reasons = reasons
        self.clusterID = clusterID
        self.linked = linked
        self.raisedAt = raisedAt
    }

    enum CodingKeys: String, CodingKey {
        case schema, brand, platform, kind, url, severity, score, reasons, linked
        case alertID = "alert_id"
        case itemID = "item_id"
        case clusterID = "cluster_id"
        case raisedAt = "raised_at"
    }
}

/// A human decision about a finding, on `decisions`. Decisions are never
/// re-derived: they survive every replay.
public struct Decision: Codable, Sendable, Hashable {
    public static let schemaVersion = 1

    public enum Action: String, Codable, Sendable, CaseIterable {
        case confirmed, dismissed
        case takedownSent = "takedown-sent"
        case removed
    }

    public var schema: Int
    public var brand: String
    public var platform: String
    public var itemID: String
    public var action: Action
    public var by: String?
    public var note: String?
    /// ISO 8601 UTC.
    public var at: String

    public init(brand: String, platform: String, itemID: String, action: Action, by: String? = nil, note: String? = nil, at: String) {
        self.schema = Decision.schemaVersion
        self.brand = brand
        self.platform = platform
        self.itemID = itemID
        self.action = action
        self.by = by
        self.note = note
        self.at = at
    }

    enum CodingKeys: String, CodingKey {
        case schema, brand, platform, action, by, note, at
        case itemID = "item_id"
    }
}

/// A message or input line that a stage could not use, on `dead-letters`.
public struct DeadLetter: Codable, Sendable, Hashable {
    public static let schemaVersion = 1

    public var schema: Int
    /// The stage that refused it: `ingest`, `normalize`, `hash-images`, ..., `alert-webhook`.
    public var stage: String
    /// What is wrong, in words a user can act on.
    public var reason: String
    /// JSON path of the offending field (`ItemInfo.Title.DisplayValue`), when one is to blame.
    public var field: String?
    /// File path or `http:<peer>` for input lines.
    public var source: String?
    /// 1-based line number in `source`.
    public var line: Int?
    /// The topic position of the refused message, for messages.
    public var topic: String?
    public var partition: Int32?
    public var offset: Int64?
    /// The refused bytes as UTF-8 text, or base64 when they were not UTF-8 (`payloadEncoding`).
    public var payload: String?
    public var payloadEncoding: String?
    /// ISO 8601 UTC.
    public var at: String

    public init(stage: String, reason: String, field: String? = nil, source: String? = nil, line: Int? = nil,
                topic: String? = nil, partition: Int32? = nil, offset: Int64? = nil, payload: [UInt8]? = nil, at: String) {
        self.schema = DeadLetter.schemaVersion
        self.stage = stage
        self.reason = reason
        self.field = field
        self.source = source
        self.line = line
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.at = at
        if let payload {
            if let text = String(validating: payload, as: UTF8.self) {
                self.payload = text
                self.payloadEncoding = "utf-8"
            } else {
                self.payload = Base64.encode(payload)
                self.payloadEncoding = "base64"
            }
        }
    }

    enum CodingKeys: String, CodingKey {
        case schema, stage, reason, field, source, line, topic, partition, offset, payload, at
        case payloadEncoding = "payload_encoding"
    }
}
