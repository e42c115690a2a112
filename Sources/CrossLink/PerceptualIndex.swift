/// A PDQ hash as four 64-bit words, compared by Hamming distance.
public struct PDQHash: Hashable, Sendable {
    public var words: (UInt64, UInt64, UInt64, UInt64)

    public init(words: (UInt64, UInt64, UInt64, UInt64)) {
        self.words = words
    }

    /// Parses 64 hex digits (PDQ's usual text form). Returns nil for anything else.
    public init?(hex: String) {
        let digits = Array(hex.utf8)
        guard digits.count == 64 else { return nil }
        var parsed: [UInt64] = [0, 0, 0, 0]
        for (index, digit) in digits.enumerated() {
            let value: UInt64
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt64(digit - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = UInt64(digit - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = UInt64(digit - UInt8(ascii: "A") + 10)
            default: return nil
            }
            parsed[index / 16] = parsed[index / 16] << 4 | value
        }
        words = (parsed[0], parsed[1], parsed[2], parsed[3])
    }

    public var hex: String {
        [words.0, words.1, words.2, words.3].map { word in
            let text = String(word, radix: 16)
            return String(repeating: "0", count: 16 - text.count) + text
        }.joined()
    }

    public func distance(to other: PDQHash) -> Int {
        (words.0 ^ other.words.0).nonzeroBitCount + (words.1 ^ other.words.1).nonzeroBitCount
            + (words.2 ^ other.words.2).nonzeroBitCount + (words.3 ^ other.words.3).nonzeroBitCount
    }

    /// The 16-bit chunk `index` (0...15), most significant first.
    func chunk(_ index: Int) -> UInt16 {
        let word: UInt64
        switch index / 4 {
        case 0: word = words.0
        case 1: word = words.1
        case 2: word = words.2
        default: word = words.3
        }
        return UInt16(truncatingIfNeeded: word >> UInt64(48 - (index % 4) * 16))
    }

    public static func == (lhs: PDQHash, rhs: PDQHash) -> Bool {
        lhs.words == rhs.words
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }
}

/// Near-duplicate search over PDQ hashes by multi-index hashing (Norouzi et al.).
///
/// The 256 bits are cut into 16 chunks of 16 bits. If two hashes differ in at
/// most `threshold` bits, then by the pigeonhole principle at least one chunk
/// differs in at most `threshold / 16` bits. So a query probes, for every
/// chunk, each table bucket within that small radius (radius 1 for the
/// default threshold 31: 17 buckets a chunk, 272 in all), and checks the full
/// distance of the candidates it finds. Exact for every threshold.
///
/// The cost is in the candidates: about 272 · n / 65536 of them (4,000 at a
/// million pictures). Fetching each one's hash from a large array is a cache
/// miss, so a bucket entry carries 96 other bits of its hash (from the words
/// without the bucket's chunk) next to its position, 16 bytes in all: their
/// distance is a lower bound of the full one, and for unrelated pictures it is
/// already over the threshold (about 48 of 96 bits differ; 31 or fewer for 1 in
/// 3,000), so nearly every candidate is rejected while reading its bucket front to back. Buckets are plain arrays
/// indexed by chunk value (no hashing), probes are precomputed XOR masks, and
/// only candidates within the threshold pay for deduplication and the
/// removed-entry check. Memory: about 300 bytes per picture (and the
/// buckets' spare capacity).
///
/// Entries are opaque `Int64` payloads (cross-link stores item row ids).
public struct MultiIndexHashIndex: Sendable {
    public let threshold: Int
    /// Every 16-bit value within the probe radius of 0: a chunk's probes are `chunk ^ mask`.
    private let probeMasks: [UInt16]
    /// 16 tables of 65,536 buckets, flattened: bucket `chunkIndex << 16 | chunkValue` holds, per entry,
    /// two words: a hash word without that chunk, and 32 bits of another above the position in `hashes`
    /// (``filterWords(_:chunkIndex:)``).
    private var buckets: [[UInt64]]
    private var hashes: [PDQHash] = []
    private var payloads: [Int64] = []
    private var removed: Set<Int32> = []
    private var positionsByPayload: [Int64: [Int32]] = [:]

    public init(threshold: Int) {
        precondition((0...255).contains(threshold), "PDQ threshold must be within 0...255")
        self.threshold = threshold
        let radius = threshold / 16
        self.probeMasks = (0...UInt16.max).filter { $0.nonzeroBitCount <= radius }
        self.buckets = Array(repeating: [], count: 16 << 16)
    }

    public var count: Int { hashes.count - removed.count }

    public mutating func insert(_ hash: PDQHash, payload: Int64) {
        let position = Int32(hashes.count)
        hashes.append(hash)
        payloads.append(payload)
        positionsByPayload[payload, default: []].append(position)
        for chunkIndex in 0..<16 {
            let (a, b) = Self.filterWords(hash, chunkIndex: chunkIndex)
            let bucket = chunkIndex << 16 | Int(hash.chunk(chunkIndex))
            buckets[bucket].append(a)
            buckets[bucket].append(b & Self.highHalf | UInt64(UInt32(position)))
        }
    }

    private static let highHalf: UInt64 = 0xffff_ffff_0000_0000

    /// The two words of a hash that do not hold chunk `chunkIndex` (words 2 and 3 for chunks 0...7, else 0 and 1);
    /// entries keep the first and the high half of the second.
    static func filterWords(_ hash: PDQHash, chunkIndex: Int) -> (UInt64, UInt64) {
        chunkIndex < 8 ? (hash.words.2, hash.words.3) : (hash.words.0, hash.words.1)
    }

    /// Forgets every entry with this payload (an item's pictures changed).
    public mutating func remove(payload: Int64) {
        for position in positionsByPayload.removeValue(forKey: payload) ?? [] {
            removed.insert(position)
        }
    }

    /// Every entry within the threshold: payload and distance, nearest first.
    public func search(_ query: PDQHash) -> [(payload: Int64, distance: Int)] {
        var matches: [(position: Int32, distance: Int)] = []
        let threshold = self.threshold
        var touched = 0
        buckets.withUnsafeBufferPointer { buckets in
            // At a million pictures the cost is the 272 probed buckets, each a cache miss (and a
            // TLB miss) far away: read one word of every cache line of them first, in a loop whose
            // loads do not depend on each other, so the processor has many misses in flight at
            // once; the scan below then finds them in cache.
            for chunkIndex in 0..<16 {
                let chunk = query.chunk(chunkIndex)
                let table = chunkIndex << 16
                for mask in probeMasks {
                    buckets[table | Int(chunk ^ mask)].withUnsafeBufferPointer { entries in
                        var index = 0
                        while index < entries.count {
                            touched &+= Int(truncatingIfNeeded: entries[index])
                            index += 8
                        }
                    }
                }
            }
            hashes.withUnsafeBufferPointer { hashes in
                for chunkIndex in 0..<16 {
                    let chunk = query.chunk(chunkIndex)
                    let table = chunkIndex << 16
                    let (queryA, queryWordB) = Self.filterWords(query, chunkIndex: chunkIndex)
                    let queryB = queryWordB & Self.highHalf
                    for mask in probeMasks {
                        buckets[table | Int(chunk ^ mask)].withUnsafeBufferPointer { entries in
                            var index = 0
                            while index + 1 < entries.count {
                                let bound = (entries[index] ^ queryA).nonzeroBitCount
                                    + ((entries[index + 1] & Self.highHalf) ^ queryB).nonzeroBitCount
                                if bound <= threshold {
                                    let position = Int32(truncatingIfNeeded: entries[index + 1] & 0xffff_ffff)
                                    let distance = hashes[Int(position)].distance(to: query)
                                    if distance <= threshold { matches.append((position, distance)) }
                                }
                                index += 2
                            }
                        }
                    }
                }
            }
        }
        if touched == Int.min { matches.removeAll() }  // keeps the reads above (never true for real data)
        // A match shares several chunks with the query: keep it once.
        var seen = Set<Int32>()
        var found: [(payload: Int64, distance: Int)] = []
        for match in matches where !removed.contains(match.position) && seen.insert(match.position).inserted {
            found.append((payloads[Int(match.position)], match.distance))
        }
        return found.sorted { ($0.distance, $0.payload) < ($1.distance, $1.payload) }
    }
}
