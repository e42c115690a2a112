import Foundation
import GRDB
import TouchstoneCore
import Transport

/// Links items into clusters and judges every member: cross-link's logic over its store.
///
/// For each item that arrives, in order:
/// 1. its link keys (``LinkKeyExtractor``) are looked up among the items seen before;
///    each shared key is an edge with evidence (``ClusterEdge``);
/// 2. its pictures are searched among every picture seen before (``MultiIndexHashIndex``):
///    each near-duplicate is a `same-image` edge;
/// 3. the clusters at both ends of every edge merge (union by size: the smaller
///    cluster's members are relabelled); an item that changed may split its old cluster;
/// 4. every member of the clusters touched is judged again (``RiskScorer``) and
///    gets a new ``ItemFindings`` when its judgement changed (the arriving item always does).
///
/// Not thread-safe: the ``CrossLinkProcessor`` actor owns it.
public final class CrossLinkEngine {
    public struct Configuration: Sendable {
        /// Largest PDQ Hamming distance (of 256 bits) between two pictures of linked items.
        public var pdqThreshold = 31
        /// Pictures whose PDQ quality is under this are not compared (PDQ's own advice: under 50 is unreliable).
        public var minimumPictureQuality = 50
        /// A key (or a picture) shared by this many items is too common to be evidence
        /// (a marketplace's help address, a stock photo): it stops joining.
        public var commonKeyLimit = 50
        /// At most this many linked items and edges go into one ItemFindings.
        public var findingsListLimit = 100
        public var scorer = RiskScorer()

        public init() {}
    }

    public let configuration: Configuration
    let store: CrossLinkStore
    private var pictures: MultiIndexHashIndex
    /// The `handle~` keys, in memory only (derived from the stored `handle:` keys).
    private var handleVariants: HandleVariantIndex
    private let extractor = LinkKeyExtractor()

    /// Opens (or creates) the state at `path`; nil keeps it in memory (tests).
    public init(path: String?, configuration: Configuration = Configuration()) throws {
        self.configuration = configuration
        self.store = try CrossLinkStore(path: path)
        self.pictures = MultiIndexHashIndex(threshold: configuration.pdqThreshold)
        for picture in try store.allPictures() {
            if let hash = PDQHash(hex: picture.pdq) {
                pictures.insert(hash, payload: CrossLinkEngine.payload(item: picture.item, position: picture.position))
            }
        }
        let handles = try store.allHandleKeys()
        var variants = HandleVariantIndex(capacity: handles.count * 12)
        for handle in handles {
            let normalized = String(handle.key.dropFirst(CrossLinkStore.handlePrefix.count))
            for hash in HandleVariantIndex.variantHashes(ofNormalized: normalized, extractor: extractor) {
                try variants.insert(hash, item: handle.item)
            }
        }
        self.handleVariants = variants
    }

    /// Entries (variant, item) in the in-memory handle-variant index.
    public var handleVariantCount: Int { handleVariants.count }

    /// Pictures in the near-duplicate index.
    public var pictureCount: Int { pictures.count }

    /// Takes in one item; returns the findings to publish (the item's, and every
    /// cluster member's whose judgement changed).
    public func ingest(_ item: Item) throws -> [ItemFindings] {
        let json = try TopicJSON.encode(item)
        var pendingPictures: [(PDQHash, Int64)] = []
        var removedPayloads: [Int64] = []
        var pendingVariants: [UInt64] = []
        var removedVariants: [UInt64] = []
        var ingestedID: Int64?
        let findings = try store.withinBatch { db -> [ItemFindings] in
            var affectedClusters = Set<Int64>()
            var changed = false
            let id: Int64
            if let existing = try CrossLinkStore.item(key: item.key, db) {
                id = existing.id
                if existing.json == json {
                    return try judge(clusters: [existing.cluster], forcing: id, known: item, db)
                }
                try CrossLinkStore.updateItem(id: id, json: json, db)
                if let handle = try CrossLinkStore.handleKey(ofItem: id, db) {
                    removedVariants = HandleVariantIndex.variantHashes(
                        ofNormalized: String(handle.key.dropFirst(CrossLinkStore.handlePrefix.count)), extractor: extractor)
                }
                removedPayloads = try CrossLinkStore.detach(id: id, db).map { CrossLinkEngine.payload(item: id, position: $0) }
                affectedClusters.insert(existing.cluster)
                changed = true
            } else {
                id = try CrossLinkStore.insertItem(key: item.key, json: json, db)
            }
            ingestedID = id

            var edges: [CrossLinkStore.StoredEdge] = []
            var otherKeys: [Int64: String] = [:]
            func keyOf(_ other: Int64) throws -> String {
                if let key = otherKeys[other] { return key }
                let key = try String.fetchOne(db.cachedStatement(sql: "SELECT key FROM item WHERE id = ?"), arguments: [other]) ?? "#\(other)"
                otherKeys[other] = key
                return key
            }

            var handleKeys: [Int64: CrossLinkStore.StoredKey] = [:]
            for key in extractor.keys(of: item) {
                if key.key.hasPrefix(CrossLinkStore.variantPrefix) {
                    // Same lookup as below, against the in-memory index of variants.
                    let hash = HandleVariantIndex.hash(key.key)
                    let holders = handleVariants.holders(of: hash, excluding: id, limit: configuration.commonKeyLimit)
                    if holders.count < configuration.commonKeyLimit {
                        for holder in holders {
                            if handleKeys[holder] == nil { handleKeys[holder] = try CrossLinkStore.handleKey(ofItem: holder, db)?.stored }
                            guard let stored = handleKeys[holder] else { continue }
                            if let edge = try edge(new: (id, item.key, key), old: (holder, try keyOf(holder), stored)) {
                                edges.append(edge)
                            }
                        }
                    }
                    pendingVariants.append(hash)
                    continue
                }
                let holders = try CrossLinkStore.holders(of: key.key, limit: configuration.commonKeyLimit, db)
                if holders.count < configuration.commonKeyLimit {
                    for holder in holders where holder.item != id {
                        if let edge = try edge(new: (id, item.key, key), old: (holder.item, try keyOf(holder.item), holder)) {
                            edges.append(edge)
                        }
                    }
                }
                try CrossLinkStore.insertKey(key, item: id, db)
            }

            let removed = Set(removedPayloads)
            for (position, picture) in item.pictures.enumerated() where position < 256 {
                guard let hex = picture.pdq, let hash = PDQHash(hex: hex),
                      (picture.quality ?? 100) >= configuration.minimumPictureQuality else { continue }
                let near = pictures.search(hash).filter { !removed.contains($0.payload) && CrossLinkEngine.item(of: $0.payload) != id }
                if near.count < configuration.commonKeyLimit {
                    var closest: [Int64: (distance: Int, position: Int)] = [:]
                    for match in near {
                        let other = CrossLinkEngine.item(of: match.payload)
                        if match.distance < closest[other]?.distance ?? Int.max {
                            closest[other] = (match.distance, CrossLinkEngine.position(of: match.payload))
                        }
                    }
                    for (other, match) in closest {
                        let weight = 0.9 - 0.3 * Double(match.distance) / Double(max(1, configuration.pdqThreshold))
                        let (a, b) = CrossLinkEngine.ordered((id, item.key, position), (other, try keyOf(other), match.position))
                        edges.append(.init(
                            from: a.id, to: b.id, signal: SignalName.sameImage.rawValue,
                            detail: "PDQ distance \(match.distance) between pictures[\(a.detail)] of \(a.key) and pictures[\(b.detail)] of \(b.key)",
                            weight: (weight * 100).rounded() / 100))
                    }
                }
                try CrossLinkStore.insertPicture(item: id, position: position, pdq: hex.lowercased(), db)
                pendingPictures.append((hash, CrossLinkEngine.payload(item: id, position: position)))
            }

            for edge in edges { try CrossLinkStore.insertEdge(edge, db) }

            // Union by size: the largest cluster keeps its label.
            var clusters = Set([try CrossLinkStore.cluster(of: id, db)])
            for edge in edges { clusters.insert(try CrossLinkStore.cluster(of: edge.from == id ? edge.to : edge.from, db)) }
            var target = try CrossLinkStore.cluster(of: id, db)
            if clusters.count > 1 {
                let sizes = try clusters.map { ($0, try CrossLinkStore.clusterSize($0, db)) }
                target = sizes.max { ($0.1, $1.0) < ($1.1, $0.0) }!.0
                for cluster in clusters where cluster != target {
                    try CrossLinkStore.relabel(cluster: cluster, to: target, db)
                }
            }
            affectedClusters.insert(target)
            if changed {
                // The item changed: what it held together may have come apart.
                affectedClusters = try split(clusters: affectedClusters, db)
            }
            return try judge(clusters: affectedClusters, forcing: id, known: item, db)
        }
        for payload in removedPayloads { pictures.remove(payload: payload) }
        if let id = ingestedID {
            for hash in removedVariants { handleVariants.remove(hash, item: id) }
            for hash in pendingVariants { try handleVariants.insert(hash, item: id) }
        }
        for (hash, payload) in pendingPictures { pictures.insert(hash, payload: payload) }
        return findings
    }

    /// Commits the open batch together with the input offsets it reflects.
    public func commit(offsets: [TopicPartition: Int64]) throws {
        try store.commit(offsets: offsets)
    }

    /// The input offsets (next to read) the committed state reflects.
    public func reflectedOffsets() throws -> [TopicPartition: Int64] {
        try store.reflectedOffsets()
    }

    /// The current findings of an item seen before (for inspection and tests).
    public func findings(forKey key: String) throws -> ItemFindings? {
        try store.withinBatch { db in
            guard let item = try CrossLinkStore.item(key: key, db) else { return nil }
            return try judge(clusters: [item.cluster], forcing: item.id, record: false, db).first { $0.item.key == key }
        }
    }

    // MARK: Edges

    private func edge(
        new: (id: Int64, key: String, link: LinkKey),
        old: (id: Int64, key: String, stored: CrossLinkStore.StoredKey)
    ) throws -> CrossLinkStore.StoredEdge? {
        let key = new.link.key
        func pointerEdge(from: (Int64, String), fromFoundIn: String, evidence: String, to: (Int64, String)) -> CrossLinkStore.StoredEdge {
            let profile = fromFoundIn == "bio" || fromFoundIn == "website"
            let signal: SignalName = profile ? .linkInBio : .linksTo
            return .init(
                from: from.0, to: to.0, signal: signal.rawValue,
                detail: "\(from.1) links to \(to.1) (\(key)) in \(fromFoundIn): \(evidence)",
                weight: profile ? 0.9 : 1.0)
        }
        switch new.link.space {
        case "contact":
            let (a, b) = CrossLinkEngine.ordered((new.id, new.key, new.link.evidence), (old.id, old.key, old.stored.evidence))
            return .init(
                from: a.id, to: b.id, signal: SignalName.sameContact.rawValue,
                detail: "\(a.key) and \(b.key) give the same contact: \(a.detail) / \(b.detail)",
                weight: 0.9)
        case "handle":
            let (a, b) = CrossLinkEngine.ordered((new.id, new.key, new.link.evidence), (old.id, old.key, old.stored.evidence))
            return .init(
                from: a.id, to: b.id, signal: SignalName.similarHandle.rawValue,
                detail: "handles '\(a.detail)' (\(a.key)) and '\(b.detail)' (\(b.key)) are the same after normalisation",
                weight: 0.6)
        case "handle~":
            let a = LinkKeyExtractor.normalizedHandle(new.link.evidence)
            let b = LinkKeyExtractor.normalizedHandle(old.stored.evidence)
            // Numbered series (`seller10`, `seller11`) are different accounts as often as not:
            // the one edit must be in the letters.
            let lettersA = a.filter(\.isLetter), lettersB = b.filter(\.isLetter)
            guard a != b, lettersA != lettersB, min(lettersA.count, lettersB.count) >= extractor.minimumFuzzyHandleLength,
                  Levenshtein.distance(a, b, limit: 1) == 1 else { return nil }
            let (first, second) = CrossLinkEngine.ordered((new.id, new.key, new.link.evidence), (old.id, old.key, old.stored.evidence))
            return .init(
                from: first.id, to: second.id, signal: SignalName.similarHandle.rawValue,
                detail: "handles '\(first.detail)' (\(first.key)) and '\(second.detail)' (\(second.key)) are one letter apart",
                weight: 0.4)
        default:
            switch (new.link.role, old.stored.role) {
            case (.pointer, .identity):
                return pointerEdge(from: (new.id, new.key), fromFoundIn: new.link.foundIn, evidence: new.link.evidence, to: (old.id, old.key))
            case (.identity, .pointer):
                return pointerEdge(from: (old.id, old.key), fromFoundIn: old.stored.foundIn, evidence: old.stored.evidence, to: (new.id, new.key))
            case (.pointer, .pointer):
                let (a, b) = CrossLinkEngine.ordered((new.id, new.key, ()), (old.id, old.key, ()))
                return .init(
                    from: a.id, to: b.id, signal: SignalName.linksTo.rawValue,
                    detail: "\(a.key) and \(b.key) both link to \(key)", weight: 0.7)
            case (.identity, .identity):
                let (a, b) = CrossLinkEngine.ordered((new.id, new.key, ()), (old.id, old.key, ()))
                return .init(
                    from: a.id, to: b.id, signal: SignalName.similarHandle.rawValue,
                    detail: "\(a.key) and \(b.key) are the same seller or shop (\(key))", weight: 0.8)
            default:
                return nil
            }
        }
    }

    // MARK: Clusters

    /// Recomputes connected components of the given clusters from their edges
    /// (needed after an item lost edges); returns the clusters now holding those members.
    private func split(clusters: Set<Int64>, _ db: Database) throws -> Set<Int64> {
        var members: [Int64] = []
        for cluster in clusters { members += try CrossLinkStore.members(of: cluster, db).map(\.id) }
        let memberSet = Set(members)
        var adjacency: [Int64: [Int64]] = [:]
        for cluster in clusters {
            for edge in try CrossLinkStore.edges(ofCluster: cluster, db) where memberSet.contains(edge.to) {
                adjacency[edge.from, default: []].append(edge.to)
                adjacency[edge.to, default: []].append(edge.from)
            }
        }
        var seen = Set<Int64>()
        var result = Set<Int64>()
        for start in members.sorted() where !seen.contains(start) {
            var component: [Int64] = []
            var stack = [start]
            seen.insert(start)
            while let current = stack.popLast() {
                component.append(current)
                for next in adjacency[current] ?? [] where seen.insert(next).inserted { stack.append(next) }
            }
            let label = component.min()!
            try CrossLinkStore.setCluster(items: component, to: label, db)
            result.insert(label)
        }
        return result
    }

    /// Judges every member of the clusters; returns the findings that changed
    /// (and always those of `forcing`), recording what was emitted.
    private func judge(clusters: Set<Int64>, forcing: Int64, known: Item? = nil, record: Bool = true, _ db: Database) throws -> [ItemFindings] {
        var output: [ItemFindings] = []
        var forced: [ItemFindings] = []
        for cluster in clusters.sorted() {
            let stored = try CrossLinkStore.members(of: cluster, db)
            let items = try stored.map { member in
                if member.id == forcing, let known { return known }
                return try TopicJSON.decode(Item.self, from: member.json)
            }
            let keyByID = Dictionary(uniqueKeysWithValues: stored.map { ($0.id, $0.key) })
            let edges = try CrossLinkStore.edges(ofCluster: cluster, db).compactMap { edge -> ClusterEdge? in
                guard let from = keyByID[edge.from], let to = keyByID[edge.to], let signal = SignalName(rawValue: edge.signal) else { return nil }
                return ClusterEdge(from: from, to: to, signal: signal, detail: edge.detail, weight: edge.weight)
            }.sorted { ($0.from, $0.to, $0.signal.rawValue) < ($1.from, $1.to, $1.signal.rawValue) }
            let verdicts = configuration.scorer.verdicts(members: items.map(RiskScorer.Member.init), edges: edges)
            let clusterID = items.count > 1 ? "c-" + SHA256Hex.of(Array(items.map(\.key).min()!.utf8)).prefix(16) : nil
            let sortedItems = items.sorted { ($0.platform, $0.itemID) < ($1.platform, $1.itemID) }
            for (index, item) in items.enumerated() {
                let linked = sortedItems.lazy.filter { $0.key != item.key }.prefix(configuration.findingsListLimit)
                    .map { LinkedItem(platform: $0.platform, itemID: $0.itemID) }
                let findings = ItemFindings(
                    item: item, verdicts: verdicts[item.key] ?? [], clusterID: clusterID, linked: Array(linked),
                    edges: Array(edges.prefix(configuration.findingsListLimit)))
                let digest = try CrossLinkEngine.digest(of: findings)
                if stored[index].id == forcing {
                    forced.append(findings)
                    if record { try CrossLinkStore.setEmitted(id: stored[index].id, digest: digest, db) }
                } else if digest != stored[index].emitted {
                    output.append(findings)
                    if record { try CrossLinkStore.setEmitted(id: stored[index].id, digest: digest, db) }
                }
            }
        }
        // The arriving item first, then the members it changed, in a stable order.
        return forced + output.sorted { $0.item.key < $1.item.key }
    }

    static func digest(of findings: ItemFindings) throws -> String {
        var summary = findings
        summary.item = Item(platform: "", itemID: "", kind: findings.item.kind)
        summary.edges = []
        return SHA256Hex.of(try TopicJSON.encode(summary))
    }

    // MARK: Picture payloads: item id and picture position in one Int64.

    static func payload(item: Int64, position: Int) -> Int64 { item << 8 | Int64(position & 0xff) }
    static func item(of payload: Int64) -> Int64 { payload >> 8 }
    static func position(of payload: Int64) -> Int { Int(payload & 0xff) }
}

/// Edit distance with an early exit.
enum Levenshtein {
    static func distance(_ a: String, _ b: String, limit: Int) -> Int {
        let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
        if abs(a.count - b.count) > limit { return limit + 1 }
        var previous = Array(0...b.count)
        for i in 1...max(1, a.count) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(1, b.count) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            if current.min()! > limit { return limit + 1 }
            previous = current
        }
        return previous[b.count]
    }
}

extension CrossLinkEngine {
    /// The two ends of a symmetric edge in item-key order, so that an edge and
    /// its evidence read the same whichever item arrived first (a replay, or
    /// a fresh run in another order, gives identical findings).
    static func ordered<Detail>(_ a: (Int64, String, Detail), _ b: (Int64, String, Detail))
        -> ((id: Int64, key: String, detail: Detail), (id: Int64, key: String, detail: Detail)) {
        typealias End = (id: Int64, key: String, detail: Detail)
        let first: End = (id: a.0, key: a.1, detail: a.2)
        let second: End = (id: b.0, key: b.1, detail: b.2)
        return a.1 <= b.1 ? (first, second) : (second, first)
    }
}
