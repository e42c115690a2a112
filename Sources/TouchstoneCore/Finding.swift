/// Severity of a finding, in rising order.
public enum Severity: String, Codable, Sendable, CaseIterable, Comparable {
    case none, low, medium, high, critical

    public var rank: Int { Severity.allCases.firstIndex(of: self)! }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// One reason behind a verdict, as exported (`{"signal":"image-match","detail":"..."}`).
public struct Reason: Codable, Sendable, Hashable {
    public var signal: SignalName
    public var detail: String

    public init(signal: SignalName, detail: String) {
        self.signal = signal
        self.detail = detail
    }
}

/// Another item of the same cluster.
public struct LinkedItem: Codable, Sendable, Hashable {
    public var platform: String
    public var itemID: String

    public init(platform: String, itemID: String) {
        self.platform = platform
        self.itemID = itemID
    }

    enum CodingKeys: String, CodingKey {
        case platform
        case itemID = "item_id"
    }
}

/// An evidence edge between two items of a cluster.
public struct ClusterEdge: Codable, Sendable, Hashable {
    /// Item keys (`platform:item_id`).
    public var from: String
    public var to: String
    /// `same-image`, `links-to`, `same-contact`, `similar-handle`, `link-in-bio`.
    public var signal: SignalName
    public var detail: String
    public var weight: Double

    public init(from: String, to: String, signal: SignalName, detail: String, weight: Double) {
        self.from = from
        self.to = to
        self.signal = signal
        self.detail = detail
        self.weight = weight
    }
}

/// The verdict on one item for one brand.
public struct BrandVerdict: Codable, Sendable, Hashable {
    public var brand: String
    public var severity: Severity
    public var score: Double
    public var reasons: [Reason]

    public init(brand: String, severity: Severity, score: Double, reasons: [Reason]) {
        self.brand = brand
        self.severity = severity
        self.score = score
        self.reasons = reasons
    }
}

/// The message on `findings`, keyed by item key: the current judgement of one
/// item. It replaces every earlier message for the same key (the topic is
/// compacted), so an empty `verdicts` retracts what was found before.
public struct ItemFindings: Codable, Sendable, Hashable {
    public static let schemaVersion = 1

    public var schema: Int
    public var item: Item
    public var verdicts: [BrandVerdict]
    public var clusterID: String?
    public var linked: [LinkedItem]
    public var edges: [ClusterEdge]

    public init(item: Item, verdicts: [BrandVerdict], clusterID: String? = nil, linked: [LinkedItem] = [], edges: [ClusterEdge] = []) {
        self.schema = ItemFindings.schemaVersion
        self.item = item
        self.verdicts = verdicts
        self.clusterID = clusterID
        self.linked = linked
        self.edges = edges
    }

    enum CodingKeys: String, CodingKey {
        case schema, item, verdicts, linked, edges
        case clusterID = "cluster_id"
    }
}

/// One line of `touchstone export findings` (PRODUCT.md).
public struct ExportedFinding: Codable, Sendable, Hashable {
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

    public init(brand: String, platform: String, itemID: String, kind: ItemKind, url: String?, severity: Severity,
                score: Double, reasons: [Reason], clusterID: String?, linked: [LinkedItem]) {
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
    }

    enum CodingKeys: String, CodingKey {
        case brand, platform, kind, url, severity, score, reasons, linked
        case itemID = "item_id"
        case clusterID = "cluster_id"
    }
}
