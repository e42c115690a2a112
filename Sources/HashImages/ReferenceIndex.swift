/// An exact Hamming-radius index over PDQ hashes: multi-index hashing.
///
/// The 256 bits are cut into 16 chunks of 16 bits. If two hashes are within
/// distance `t`, by pigeonhole at least one chunk differs in at most
/// `t / 16` bits (1 bit for the default threshold 31). A query therefore
/// looks up, in each chunk's table, its own chunk value and every value
/// within that many bit flips (17 buckets per chunk at t = 31), and verifies
/// each candidate with the full distance. No match within `t` is missed;
/// the work is proportional to the number of candidates, not of entries.
/// For `t / 16 > 2` it falls back to a linear scan (still exact).
///
/// Tables are compressed-sparse-row: per chunk an offset array of 65,537
/// entries and the entry ids sorted by chunk value (4 MB + 64 bytes per
/// entry at 16 chunks), built once; the index is immutable and `Sendable`.
public struct ReferenceIndex<Payload: Sendable>: Sendable {
    public struct Entry: Sendable {
        public var hash: PDQHash
        public var payload: Payload
        public init(hash: PDQHash, payload: Payload) {
            self.hash = hash
            self.payload = payload
        }
    }

    public struct Hit: Sendable {
        public var entry: Int
        public var distance: Int
    }

    public let entries: [Entry]
    private let offsets: [[Int32]]
    private let ids: [[Int32]]

    public init(_ entries: [Entry]) {
        self.entries = entries
        var offsets: [[Int32]] = []
        var ids: [[Int32]] = []
        if !entries.isEmpty {
            for chunk in 0..<16 {
                var counts = [Int32](repeating: 0, count: 65_537)
                for entry in entries { counts[Int(entry.hash.chunk(chunk)) + 1] += 1 }
                for v in 1..<65_537 { counts[v] += counts[v - 1] }
                var fill = counts
                var list = [Int32](repeating: 0, count: entries.count)
                for (index, entry) in entries.enumerated() {
                    let value = Int(entry.hash.chunk(chunk))
                    list[Int(fill[value])] = Int32(index)
                    fill[value] += 1
                }
                offsets.append(counts)
                ids.append(list)
            }
        }
        self.offsets = offsets
        self.ids = ids
    }

    public var count: Int { entries.count }

    /// Every entry within `threshold` of `query`, each once.
    public func search(_ query: PDQHash, threshold: Int) -> [Hit] {
        guard !entries.isEmpty else { return [] }
        let flips = threshold / 16
        // Probing costs 16 x (1 + 16 + 120) lookups at two flips; below ~2,000 entries a scan is cheaper.
        guard flips <= 2, entries.count > (flips == 2 ? 2_048 : 256) else { return linearSearch(query, threshold: threshold) }
        var hits: [Hit] = []
        var seen = Set<Int32>()
        for chunk in 0..<16 {
            let base = query.chunk(chunk)
            let chunkOffsets = offsets[chunk], chunkIDs = ids[chunk]
            func probe(_ value: UInt16) {
                let start = Int(chunkOffsets[Int(value)]), end = Int(chunkOffsets[Int(value) + 1])
                guard start < end else { return }
                for position in start..<end {
                    let id = chunkIDs[position]
                    let distance = entries[Int(id)].hash.distance(to: query)
                    if distance <= threshold, seen.insert(id).inserted {
                        hits.append(Hit(entry: Int(id), distance: distance))
                    }
                }
            }
            probe(base)
            if flips >= 1 {
                for i in 0..<16 {
                    probe(base ^ (1 << UInt16(i)))
                    if flips >= 2 {
                        for j in (i + 1)..<16 where j < 16 { probe(base ^ (1 << UInt16(i)) ^ (1 << UInt16(j))) }
                    }
                }
            }
        }
        return hits
    }

    /// The exact answer by comparing with every entry (the baseline the index must equal).
    public func linearSearch(_ query: PDQHash, threshold: Int) -> [Hit] {
        var hits: [Hit] = []
        for (index, entry) in entries.enumerated() {
            let distance = entry.hash.distance(to: query)
            if distance <= threshold { hits.append(Hit(entry: index, distance: distance)) }
        }
        return hits
    }
}
