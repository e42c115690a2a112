/// The one-letter-deletion variants of every handle in the state (the
/// `handle~` link keys of ``LinkKeyExtractor``), in memory, as 64-bit hashes.
///
/// A handle of n letters has about n such variants, so they were most of
/// cross-link's link-key rows (12 of ~16 per item) and most of its SQLite
/// work. They are derived data: each item's normalised handle is stored once
/// (its `handle:` key), and the variants are computed again from those rows
/// when the state opens (``CrossLinkEngine/init(path:configuration:)``).
///
/// A hash collision cannot make a false link: a candidate becomes an edge
/// only after ``Levenshtein`` checks the two handles. (It could only make a
/// variant look one holder more common to the ``CrossLinkEngine/Configuration/commonKeyLimit``,
/// with odds about n²/2⁶⁵ over n variants.)
///
/// An open-addressing multimap with linear probing: one slot per (variant, item),
/// 12 bytes a slot. Removed entries stay as tombstones until the next growth.
struct HandleVariantIndex {
    private var hashes: [UInt64]
    private var items: [UInt32]
    private var mask: Int
    /// Slots in use, tombstones included (they lengthen probes like live ones).
    private var used = 0
    private(set) var count = 0

    private static let tombstone = UInt32.max
    private static let empty: UInt64 = 0

    init(capacity: Int = 1 << 12) {
        var size = 1 << 12
        while size < capacity * 2 { size <<= 1 }
        hashes = Array(repeating: Self.empty, count: size)
        items = Array(repeating: 0, count: size)
        mask = size - 1
    }

    /// The hash of a `handle~…` link key: FNV-1a over its UTF-8 bytes, then a
    /// 64-bit finaliser to spread the bits over the table. Never 0 (the empty slot).
    static func hash(_ key: String) -> UInt64 {
        var value = fnvOffset
        for byte in key.utf8 { value = fnvStep(value, byte) }
        return finish(value)
    }

    private static let fnvOffset: UInt64 = 0xcbf2_9ce4_8422_2325

    @inline(__always)
    private static func fnvStep(_ value: UInt64, _ byte: UInt8) -> UInt64 {
        (value ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
    }

    private static func finish(_ fnv: UInt64) -> UInt64 {
        var value = (fnv ^ (fnv >> 33)) &* 0xff51_afd7_ed55_8ccd
        value = (value ^ (value >> 33)) &* 0xc4ce_b9fe_1a85_ec53
        value ^= value >> 33
        return value == empty ? 1 : value
    }

    /// The hashes of ``LinkKeyExtractor/fuzzyVariants(ofNormalized:)`` without building
    /// the strings (opening a state hashes about 12 a handle, a million handles).
    /// A variant that two deletions give is hashed twice; ``insert(_:item:)`` keeps it once.
    static func variantHashes(ofNormalized normalized: String, extractor: LinkKeyExtractor) -> [UInt64] {
        let bytes = Array(normalized.utf8)
        // Normalised handles are ASCII letters and digits; anything else takes the string path.
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return extractor.fuzzyVariants(ofNormalized: normalized).map(hash) }
        guard bytes.count >= extractor.minimumFuzzyHandleLength else { return [] }
        var prefix = fnvOffset
        for byte in LinkKeyExtractor.fuzzyPrefix.utf8 { prefix = fnvStep(prefix, byte) }
        var hashes: [UInt64] = []
        hashes.reserveCapacity(bytes.count + 1)
        var whole = prefix
        for byte in bytes { whole = fnvStep(whole, byte) }
        hashes.append(finish(whole))
        for skipped in bytes.indices {
            var value = prefix
            for index in bytes.indices where index != skipped { value = fnvStep(value, bytes[index]) }
            hashes.append(finish(value))
        }
        return hashes
    }

    /// Item row ids live in 32 bits here (4 billion items; the SQLite file would be terabytes first).
    static func slotItem(_ item: Int64) throws -> UInt32 {
        guard item >= 0, item < Int64(tombstone) else {
            throw CrossLinkError("item row id \(item) does not fit the handle-variant index (at most \(tombstone - 1))")
        }
        return UInt32(item)
    }

    mutating func insert(_ hash: UInt64, item: Int64) throws {
        let value = try Self.slotItem(item)
        if (used + 1) * 10 > hashes.count * 7 { grow() }
        var slot = Int(truncatingIfNeeded: hash) & mask
        while hashes[slot] != Self.empty {
            if hashes[slot] == hash && items[slot] == value { return }
            slot = (slot + 1) & mask
        }
        hashes[slot] = hash
        items[slot] = value
        used += 1
        count += 1
    }

    mutating func remove(_ hash: UInt64, item: Int64) {
        guard let value = try? Self.slotItem(item) else { return }
        var slot = Int(truncatingIfNeeded: hash) & mask
        while hashes[slot] != Self.empty {
            if hashes[slot] == hash && items[slot] == value {
                items[slot] = Self.tombstone
                count -= 1
                return
            }
            slot = (slot + 1) & mask
        }
    }

    /// The items holding this variant, except `excluding`, in row-id order; at most `limit`
    /// (like the SQL `LIMIT` it replaces: reaching it means "too common").
    func holders(of hash: UInt64, excluding: Int64, limit: Int) -> [Int64] {
        var found: [Int64] = []
        var slot = Int(truncatingIfNeeded: hash) & mask
        while hashes[slot] != Self.empty {
            if hashes[slot] == hash, items[slot] != Self.tombstone, Int64(items[slot]) != excluding {
                found.append(Int64(items[slot]))
            }
            slot = (slot + 1) & mask
        }
        found.sort()
        return Array(found.prefix(limit))
    }

    private mutating func grow() {
        let oldHashes = hashes, oldItems = items
        // Double unless tombstones are most of what is used: then rehashing at the same size is enough.
        let size = count * 2 > oldHashes.count * 7 / 10 ? oldHashes.count * 2 : oldHashes.count
        hashes = Array(repeating: Self.empty, count: size)
        items = Array(repeating: 0, count: size)
        mask = size - 1
        used = 0
        count = 0
        for slot in oldHashes.indices where oldHashes[slot] != Self.empty && oldItems[slot] != Self.tombstone {
            var target = Int(truncatingIfNeeded: oldHashes[slot]) & mask
            while hashes[target] != Self.empty { target = (target + 1) & mask }
            hashes[target] = oldHashes[slot]
            items[target] = oldItems[slot]
            used += 1
            count += 1
        }
    }
}
