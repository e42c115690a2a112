import Foundation
import TouchstoneCore

/// Judges every member of a cluster for every brand: the one place where
/// Touchstone turns signals into a score and a severity. Pure: values in, verdicts out.
///
/// ## Scoring
///
/// Evidence comes in categories, each with a weight in 0...1:
///
/// | category | weight | kind |
/// | --- | --- | --- |
/// | `image-match` (an official photo reused) | 0.60 | brand indicator |
/// | `image-part-match` (the logo inside a photo) | 0.45 | brand indicator |
/// | `brand-term` | 0.30 | brand indicator |
/// | `product` | 0.25 | brand indicator |
/// | `counterfeit-term` | 0.35 | aggravating |
/// | `price-under-floor` | 0.30 | aggravating |
/// | cluster link (`links-to`, `same-image`, `same-contact`, `link-in-bio`, `similar-handle`) | 0.50 | cross-platform sale |
///
/// An item's score for a brand is the noisy-OR of the strongest evidence of each
/// category, `1 − Π(1 − w)`, taken from:
/// - its own signals for that brand;
/// - the signals of every other member of its cluster that shows a brand
///   indicator for that brand (a *source*), scaled by the strength of the link
///   between the two: the product of edge weights along the strongest path;
/// - the cluster link itself, scaled the same way, when a source and a listing
///   are linked (the pattern of PRODUCT.md: the brand shown on one platform,
///   sold generically on another). It counts for both ends.
///
/// Aggravating signs count only next to a brand indicator (own or inherited).
/// An item carrying `authorized-account` for a brand is the brand's own: it gets
/// no verdict for that brand and risk never flows through it.
///
/// Severity from the score: `critical` ≥ 0.85, `high` ≥ 0.65, `medium` ≥ 0.40,
/// `low` ≥ 0.20, else `none` (no verdict). Examples: an official photo alone,
/// 0.60 medium; an official photo and a price under the floor, 0.72 high; a
/// generic listing linked (links-to, weight 1) from a post that reuses the
/// official photo, 1 − 0.4 × 0.5 = 0.80 high, and the post the same.
public struct RiskScorer: Sendable {
    public struct Weights: Sendable, Hashable {
        public var imageMatch = 0.60
        public var imagePartMatch = 0.45
        public var brandTerm = 0.30
        public var product = 0.25
        public var counterfeitTerm = 0.35
        public var priceUnderFloor = 0.30
        public var clusterLink = 0.50

        public init() {}

        func weight(of signal: SignalName) -> Double? {
            switch signal {
            case .imageMatch: imageMatch
            case .imagePartMatch: imagePartMatch
            case .brandTerm: brandTerm
            case .product: product
            case .counterfeitTerm: counterfeitTerm
            case .priceUnderFloor: priceUnderFloor
            default: nil
            }
        }
    }

    /// What the scorer needs to know of a cluster member.
    public struct Member: Sendable, Hashable {
        public var key: String
        public var platform: String
        public var itemID: String
        public var kind: ItemKind
        public var signals: [Signal]

        public init(key: String, platform: String, itemID: String, kind: ItemKind, signals: [Signal]) {
            self.key = key
            self.platform = platform
            self.itemID = itemID
            self.kind = kind
            self.signals = signals
        }

        public init(_ item: Item) {
            self.init(key: item.key, platform: item.platform, itemID: item.itemID, kind: item.kind, signals: item.signals ?? [])
        }
    }

    static let indicators: Set<SignalName> = [.imageMatch, .imagePartMatch, .brandTerm, .product]
    static let aggravators: Set<SignalName> = [.counterfeitTerm, .priceUnderFloor]

    public var weights: Weights

    public init(weights: Weights = Weights()) {
        self.weights = weights
    }

    public static func severity(forScore score: Double) -> Severity {
        switch score {
        case 0.85...: .critical
        case 0.65...: .high
        case 0.40...: .medium
        case 0.20...: .low
        default: .none
        }
    }

    /// Verdicts for every member, keyed by member key. Members with no verdict map to `[]`.
    public func verdicts(members: [Member], edges: [ClusterEdge]) -> [String: [BrandVerdict]] {
        let graph = ClusterGraph(members: members.map(\.key), edges: edges)
        var authorized: [String: Set<String>] = [:]  // brand -> member keys
        var sources: [String: [Int]] = [:]  // brand -> member indices with an indicator
        for member in members {
            for signal in member.signals {
                if signal.signal == .authorizedAccount { authorized[signal.brand, default: []].insert(member.key) }
            }
        }
        for (index, member) in members.enumerated() {
            for brand in Set(member.signals.filter { RiskScorer.indicators.contains($0.signal) }.map(\.brand))
            where !(authorized[brand]?.contains(member.key) ?? false) {
                sources[brand, default: []].append(index)
            }
        }
        var result: [String: [BrandVerdict]] = Dictionary(uniqueKeysWithValues: members.map { ($0.key, []) })
        let brands = Set(members.flatMap { $0.signals.map(\.brand) }).sorted()
        for brand in brands {
            let blocked = authorized[brand] ?? []
            let brandSources = sources[brand] ?? []
            // Strongest path from each source to every member, avoiding the brand's own accounts.
            let reach: [Int: [String: ClusterGraph.Path]] = Dictionary(uniqueKeysWithValues: brandSources.map {
                ($0, graph.strongestPaths(from: members[$0].key, avoiding: blocked))
            })
            for member in members where !blocked.contains(member.key) {
                if let verdict = verdict(for: member, brand: brand, members: members, sources: brandSources, reach: reach, graph: graph, blocked: blocked) {
                    result[member.key, default: []].append(verdict)
                }
            }
        }
        return result
    }

    private struct Evidence {
        var weight: Double
        var reasons: [Reason]
    }

    private func verdict(
        for member: Member, brand: String, members: [Member], sources: [Int],
        reach: [Int: [String: ClusterGraph.Path]], graph: ClusterGraph, blocked: Set<String>
    ) -> BrandVerdict? {
        var categories: [String: Evidence] = [:]
        func offer(_ category: String, _ weight: Double, _ reasons: [Reason]) {
            guard weight > 0 else { return }
            if weight > categories[category]?.weight ?? 0 { categories[category] = Evidence(weight: weight, reasons: reasons) }
        }

        for signal in member.signals where signal.brand == brand {
            guard let weight = weights.weight(of: signal.signal) else { continue }
            offer(signal.signal.rawValue, weight, [Reason(signal: signal.signal, detail: RiskScorer.describe(signal))])
        }
        let memberIsSource = sources.contains { members[$0].key == member.key }
        for sourceIndex in sources {
            let source = members[sourceIndex]
            guard source.key != member.key, let path = reach[sourceIndex]?[member.key] else { continue }
            for signal in source.signals where signal.brand == brand {
                guard let weight = weights.weight(of: signal.signal) else { continue }
                let detail = "via \(source.key) (link strength \(RiskScorer.format(path.strength))): \(RiskScorer.describe(signal))"
                offer(signal.signal.rawValue, weight * path.strength, [Reason(signal: signal.signal, detail: detail)])
            }
            if source.kind == .listing || member.kind == .listing {
                offer("link", weights.clusterLink * path.strength, path.edges.map { Reason(signal: $0.signal, detail: $0.detail) })
            }
        }
        if memberIsSource {
            // A source linked to a listing: the place it sells through.
            let paths = graph.strongestPaths(from: member.key, avoiding: blocked)
            for other in members where other.key != member.key && (other.kind == .listing || member.kind == .listing) {
                guard let path = paths[other.key] else { continue }
                offer("link", weights.clusterLink * path.strength, path.edges.map { Reason(signal: $0.signal, detail: $0.detail) })
            }
        }
        let hasIndicator = categories.keys.contains { SignalName(rawValue: $0).map(RiskScorer.indicators.contains) ?? false }
        guard hasIndicator else { return nil }
        var remaining = 1.0
        for (_, evidence) in categories { remaining *= 1 - evidence.weight }
        let score = ((1 - remaining) * 1000).rounded() / 1000
        let severity = RiskScorer.severity(forScore: score)
        guard severity > .none else { return nil }
        let reasons = categories.sorted { ($0.value.weight, $1.key) > ($1.value.weight, $0.key) }.flatMap(\.value.reasons)
        return BrandVerdict(brand: brand, severity: severity, score: score, reasons: reasons)
    }

    static func describe(_ signal: Signal) -> String {
        if let detail = signal.detail, !detail.isEmpty { return detail }
        var parts = [signal.rule]
        if let matched = signal.matched { parts.append("'\(matched)'") }
        if let field = signal.field { parts.append("in \(field)") }
        return parts.joined(separator: " ")
    }

    static func format(_ value: Double) -> String { String(format: "%.2f", value) }
}

/// The weighted evidence graph of one cluster, for strongest-path questions.
struct ClusterGraph {
    struct Path {
        var strength: Double
        var edges: [ClusterEdge]
    }

    private var adjacency: [String: [(other: String, edge: ClusterEdge)]] = [:]

    init(members: [String], edges: [ClusterEdge]) {
        for member in members { adjacency[member] = [] }
        for edge in edges where edge.from != edge.to {
            adjacency[edge.from, default: []].append((edge.to, edge))
            adjacency[edge.to, default: []].append((edge.from, edge))
        }
    }

    /// Max-product paths from `start` (a Dijkstra over −log weights); `avoiding`
    /// members are never passed through nor reached.
    func strongestPaths(from start: String, avoiding blocked: Set<String>) -> [String: Path] {
        var best: [String: Path] = [start: Path(strength: 1, edges: [])]
        var done = Set<String>()
        while true {
            guard let (current, path) = best.filter({ !done.contains($0.key) }).max(by: { ($0.value.strength, $1.key) < ($1.value.strength, $0.key) }) else { break }
            done.insert(current)
            for (other, edge) in adjacency[current] ?? [] where !blocked.contains(other) && !done.contains(other) {
                let strength = path.strength * min(1, max(0, edge.weight))
                if strength > best[other]?.strength ?? 0 {
                    best[other] = Path(strength: strength, edges: path.edges + [edge])
                }
            }
        }
        best.removeValue(forKey: start)
        return best
    }
}
