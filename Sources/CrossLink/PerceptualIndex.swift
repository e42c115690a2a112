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
/// distance of the candidates it finds. Exact for every threshold; fast while
/// buckets stay small (about n / 65536 entries for well-spread hashes).
///
/// Entries are opaque `Int64` payloads (cross-link stores item row ids).
public struct MultiIndexHashIndex: Sendable {
    public let threshold: Int
    private let probeRadius: Int
    /// One table per chunk: chunk value → positions in `hashes`.
    private var tables: [[UInt16: [Int32]]]
    private var hashes: [PDQHash] = []
    private var payloads: [Int64] = []
    private var removed: Set<Int32> = []
    private var positionsByPayload: [Int64: [Int32]] = [:]

    public init(threshold: Int) {
        precondition((0...255).contains(threshold), "PDQ threshold must be within 0...255")
        self.threshold = threshold
        self.probeRadius = threshold / 16
        self.tables = Array(repeating: [:], count: 16)
    }

    public var count: Int { hashes.count - removed.count }

    public mutating func insert(_ hash: PDQHash, payload: Int64) {
        let position = Int32(hashes.count)
        hashes.append(hash)
        payloads.append(payload)
        positionsByPayload[payload, default: []].append(position)
        for chunkIndex in 0..<16 {
            tables[chunkIndex][hash.chunk(chunkIndex), default: []].append(position)
        }
    }

    /// Forgets every entry with this payload (an item's pictures changed).
    public mutating func remove(payload: Int64) {
        for position in positionsByPayload.removeValue(forKey: payload) ?? [] {
            removed.insert(position)
        }
    }

    /// Every entry within the threshold: payload and distance, nearest first.
    public func search(_ query: PDQHash) -> [(payload: Int64, distance: Int)] {
        var seen = Set<Int32>()
        var found: [(payload: Int64, distance: Int)] = []
        for chunkIndex in 0..<16 {
            let table = tables[chunkIndex]
            forEachNeighbour(of: query.chunk(chunkIndex), radius: probeRadius) { probe in
                guard let positions = table[probe] else { return }
                for position in positions where !removed.contains(position) && seen.insert(position).inserted {
                    let distance = hashes[Int(position)].distance(to: query)
                    if distance <= threshold {
                        found.append((payloads[Int(position)], distance))
                    }
                }
            }
        }
        return found.sorted { ($0.distance, $0.payload) < ($1.distance, $1.payload) }
    }

    /// Calls `body` with every 16-bit value within `radius` bits of `value`.
    private func forEachNeighbour(of value: UInt16, radius: Int, _ body: (UInt16) -> Void) {
        func flip(_ current: UInt16, from bit: Int, left: Int) {
            body(current)
            guard left > 0 else { return }
            for next in bit..<16 {
                flip(current ^ (1 << UInt16(next)), from: next + 1, left: left - 1)
            }
        }
        flip(value, from: 0, left: radius)
    }
}
