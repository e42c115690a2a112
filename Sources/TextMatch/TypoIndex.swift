import Foundation

/// Typo candidates by a deletion index (the SymSpell idea): a word is within
/// edit distance d of a term only if some deletion of at most d letters of the
/// word equals some deletion of at most d letters of the term. Deletion hashes
/// are computed in O(1) each from prefix hashes, checked against a blocked
/// Bloom filter (three bits in one 64-bit word, so a probe is one load and
/// false positives are rare even for the n²/2 two-letter deletions of a long
/// word) and then an open-addressing table, so that a word costs a few cheap
/// probes whatever the number of terms. Only the deletion depths that can meet
/// a stored deletion of the same length are enumerated (a 7-letter word cannot
/// be two edits from a 9+ letter term by deleting two of its own letters).
/// Candidates are confirmed with the real (optimal string alignment) distance,
/// which counts a swap of two neighbours (`Catrier`) as one edit.
final class TypoIndex: Sendable {
    struct Entry: Sendable {
        var term: [UInt8]
        var maxDistance: Int
        var payload: Int
    }

    /// The longest word the index hashes (longer words are never typos of a term).
    static let maxWordLength = 59

    let entries: [Entry]
    let minLength: Int
    let maxLength: Int
    /// For each word length, bit d set when deleting d letters of the word can meet a stored deletion.
    private let depthsByLength: [UInt8]
    private let filter: [UInt64]
    private let filterShift: UInt64
    private let slots: [UInt64]
    private let slotEntries: [Int32]
    private let chainNext: [Int32]
    private let chainEntry: [Int32]
    private let slotMask: Int

    static let base: UInt64 = 0x100000001B3
    static let powers: [UInt64] = {
        var powers: [UInt64] = [1]
        for _ in 0..<64 { powers.append(powers.last! &* base) }
        return powers
    }()

    /// Terms of 5+ letters tolerate 1 edit, of 9+ letters 2 (BRANDS.md).
    static func allowedDistance(length: Int) -> Int {
        length >= 9 ? 2 : (length >= 5 ? 1 : 0)
    }

    init(entries: [Entry]) {
        self.entries = entries
        var keys: [(UInt64, Int32)] = []
        var depths = [UInt8](repeating: 0, count: Self.maxWordLength + 1)
        for (index, entry) in entries.enumerated() {
            for key in Self.deletionHashes(entry.term, upTo: entry.maxDistance) {
                keys.append((key, Int32(index)))
            }
            // A stored deletion of e letters has length m - e; a word of length n meets it after d = n - (m - e) deletions.
            for e in 0...entry.maxDistance {
                for d in 0...entry.maxDistance {
                    let n = entry.term.count - e + d
                    if n >= 1, n <= Self.maxWordLength { depths[n] |= 1 << d }
                }
            }
        }
        depthsByLength = depths
        minLength = depths.firstIndex { $0 != 0 } ?? 1
        maxLength = depths.lastIndex { $0 != 0 } ?? 0
        // About 32 filter bits per key: with three bits per key in one word, ~0.2% false positives per probe.
        var blockCount = 1024
        while blockCount * 2 < keys.count { blockCount <<= 1 }
        var filter = [UInt64](repeating: 0, count: blockCount)
        let filterShift = UInt64(64 - blockCount.trailingZeroBitCount)
        var slotCount = 16
        while slotCount < keys.count * 2 { slotCount <<= 1 }
        var slots = [UInt64](repeating: 0, count: slotCount)
        var slotEntries = [Int32](repeating: -1, count: slotCount)
        var chainNext: [Int32] = []
        var chainEntry: [Int32] = []
        let mask = slotCount - 1
        for (key, entry) in keys {
            let spread = Self.filterMix(key)
            filter[Int(spread >> filterShift)] |= Self.filterBits(spread)
            let mixed = Self.mix(key)
            var slot = Int(truncatingIfNeeded: mixed >> 20) & mask
            while slotEntries[slot] >= 0 && slots[slot] != key { slot = (slot + 1) & mask }
            // Each slot heads a chain of (entry) links, so that one key maps to many terms.
            var link = slotEntries[slot] >= 0 ? slotEntries[slot] : -1
            var duplicate = false
            while link >= 0 {
                if chainEntry[Int(link)] == entry { duplicate = true; break }
                link = chainNext[Int(link)]
            }
            if duplicate { continue }
            chainEntry.append(entry)
            chainNext.append(slotEntries[slot])
            slotEntries[slot] = Int32(chainEntry.count - 1)
            slots[slot] = key
        }
        self.filter = filter
        self.filterShift = filterShift
        self.slots = slots
        self.slotEntries = slotEntries
        self.chainNext = chainNext
        self.chainEntry = chainEntry
        self.slotMask = mask
    }

    @inline(__always)
    static func mix(_ key: UInt64) -> UInt64 {
        var x = key
        x ^= x >> 33
        x &*= 0xff51afd7ed558ccd
        x ^= x >> 33
        return x
    }

    /// The filter's spread of a key: one multiplication (the keys are already polynomial hashes).
    @inline(__always)
    static func filterMix(_ key: UInt64) -> UInt64 {
        key &* 0x9E37_79B9_7F4A_7C15
    }

    /// The three filter bits of a mixed key (its block is chosen by the high bits).
    @inline(__always)
    static func filterBits(_ mixed: UInt64) -> UInt64 {
        (1 << ((mixed >> 16) & 63)) | (1 << ((mixed >> 22) & 63)) | (1 << ((mixed >> 28) & 63))
    }

    static func hash<C: Collection>(_ bytes: C) -> UInt64 where C.Element == UInt8 {
        var h: UInt64 = 0
        for byte in bytes { h = h &* base &+ UInt64(byte) &+ 1 }
        return h
    }

    /// Hashes of the word and of all its deletions of up to `distance` (1 or 2) letters.
    static func deletionHashes(_ word: [UInt8], upTo distance: Int) -> [UInt64] {
        var out: [UInt64] = []
        word.withUnsafeBufferPointer { buffer in
            forEachDeletionHash(buffer, upTo: distance) { out.append($0); return false }
        }
        return out
    }

    /// Calls `body` with each deletion hash until it returns true.
    @inline(__always)
    static func forEachDeletionHash(_ word: UnsafeBufferPointer<UInt8>, upTo distance: Int, _ body: (UInt64) -> Bool) {
        let n = word.count
        guard n <= maxWordLength else { return }
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: n + 1) { prefix in
        powers.withUnsafeBufferPointer { pow in
        prefix[0] = 0
        for i in 0..<n { prefix[i + 1] = prefix[i] &* base &+ UInt64(word[i]) &+ 1 }
        @inline(__always) func range(_ a: Int, _ b: Int) -> UInt64 { prefix[b] &- prefix[a] &* pow[b - a] }
        if body(prefix[n]) { return }
        guard distance >= 1 else { return }
        for i in 0..<n {
            // word without i: [0, i) ++ (i, n)
            if body(prefix[i] &* pow[n - i - 1] &+ range(i + 1, n)) { return }
        }
        guard distance >= 2 else { return }
        for i in 0..<n {
            for j in (i + 1)..<n {
                let head = prefix[i] &* pow[j - i - 1] &+ range(i + 1, j)
                if body(head &* pow[n - j - 1] &+ range(j + 1, n)) { return }
            }
        }
        }}
    }

    /// Writes the prefix hashes of `word` (n + 1 values) into `prefix` and returns the word's own hash,
    /// which also keys ``TypoMissTable``.
    @inline(__always)
    static func prefixHashes(_ word: UnsafeBufferPointer<UInt8>, into prefix: UnsafeMutablePointer<UInt64>) -> UInt64 {
        var h: UInt64 = 0
        prefix[0] = 0
        for i in 0..<word.count {
            h = h &* base &+ UInt64(word[i]) &+ 1
            prefix[i + 1] = h
        }
        return h
    }

    /// Whether a word of this length needs its two-letter deletions probed (n²/2 of them):
    /// only such words are worth the large table of ``TypoMissTable``.
    @inline(__always)
    func probesTwoLetterDeletions(length n: Int) -> Bool {
        n <= Self.maxWordLength && depthsByLength.withUnsafeBufferPointer { $0[n] } & 4 != 0
    }

    func entriesFor(_ key: UInt64, into result: inout [Int]) {
        var slot = Int(truncatingIfNeeded: Self.mix(key) >> 20) & slotMask
        while slotEntries[slot] >= 0 {
            if slots[slot] == key {
                var link = slotEntries[slot]
                while link >= 0 {
                    let entry = Int(chainEntry[Int(link)])
                    if !result.contains(entry) { result.append(entry) }
                    link = chainNext[Int(link)]
                }
                return
            }
            slot = (slot + 1) & slotMask
        }
    }

    /// The entries within their allowed distance of `word` (distance ≥ 1), with the distance.
    func candidates(_ word: UnsafeBufferPointer<UInt8>) -> [(entry: Int, distance: Int)] {
        guard word.count <= Self.maxWordLength else { return [] }
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: word.count + 1) { prefix in
            _ = Self.prefixHashes(word, into: prefix.baseAddress!)
            return candidates(word, prefix: UnsafePointer(prefix.baseAddress!))
        }
    }

    /// As ``candidates(_:)``, with the word's prefix hashes already computed by ``prefixHashes(_:into:)``.
    func candidates(_ word: UnsafeBufferPointer<UInt8>, prefix: UnsafePointer<UInt64>) -> [(entry: Int, distance: Int)] {
        let n = word.count
        guard !entries.isEmpty, n >= minLength, n <= maxLength else { return [] }
        let depths = depthsByLength.withUnsafeBufferPointer { $0[n] }
        if depths == 0 { return [] }
        // Probe the filter while hashing, in the order of the deletion enumeration (depth 0, 1, 2);
        // look up the few survivors after.
        //
        // With prefix hashes P, the word without letter i hashes to (P[i] - P[i+1])·B^(n-i-1) + P[n],
        // and without letters i < j to (P[i] - P[i+1])·B^(n-i-2) + (P[j] - P[j+1])·B^(n-j-1) + P[n]
        // (the same values ``forEachDeletionHash`` computes for the terms), so each deletion costs an addition.
        var survivors: [UInt64] = []
        let shift = filterShift
        filter.withUnsafeBufferPointer { blocks in
        Self.powers.withUnsafeBufferPointer { pow in
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 2 * n) { terms in
            @inline(__always) func probe(_ key: UInt64) {
                let spread = Self.filterMix(key)
                let bits = Self.filterBits(spread)
                if blocks[Int(spread >> shift)] & bits == bits { survivors.append(key) }
            }
            let whole = prefix[n]
            if depths & 1 != 0 { probe(whole) }
            if depths & 6 != 0 {
                // terms[i]: letter i's part when it is the last deletion; terms[n + i]: when a later one follows.
                for i in 0..<n {
                    let difference = prefix[i] &- prefix[i + 1]
                    terms[i] = difference &* pow[n - i - 1]
                    if i + 2 <= n { terms[n + i] = difference &* pow[n - i - 2] }
                }
            }
            if depths & 2 != 0 {
                for i in 0..<n { probe(terms[i] &+ whole) }
            }
            if depths & 4 != 0 {
                for i in 0..<max(n - 1, 0) {
                    let first = terms[n + i] &+ whole
                    for j in (i + 1)..<n { probe(first &+ terms[j]) }
                }
            }
        }}}
        if survivors.isEmpty { return [] }
        var found: [Int] = []
        for key in survivors { entriesFor(key, into: &found) }
        if found.isEmpty { return [] }
        var result: [(Int, Int)] = []
        let letters = Array(word)
        for index in found {
            let entry = entries[index]
            let distance = Self.osaDistance(letters, entry.term, limit: entry.maxDistance)
            if distance >= 1 && distance <= entry.maxDistance { result.append((index, distance)) }
        }
        return result
    }

    /// Optimal string alignment distance (Levenshtein plus adjacent swaps), capped at `limit + 1`.
    static func osaDistance(_ a: [UInt8], _ b: [UInt8], limit: Int) -> Int {
        if abs(a.count - b.count) > limit { return limit + 1 }
        let n = a.count, m = b.count
        var previous2 = [Int](repeating: 0, count: m + 1)
        var previous = Array(0...m)
        var current = [Int](repeating: 0, count: m + 1)
        for i in 1...max(n, 1) where n > 0 {
            current[0] = i
            var rowMin = current[0]
            for j in 1...max(m, 1) where m > 0 {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, previous2[j - 2] + 1)
                }
                current[j] = value
                rowMin = min(rowMin, value)
            }
            if rowMin > limit { return limit + 1 }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return n == 0 ? m : previous[m]
    }
}

/// Words recently found to have no typo candidate, so that the common words
/// of a stream (`shipping`, `beautiful`) are hashed once instead of once per
/// deletion. Two lossy tables of 64-bit word hashes: a small direct-mapped one
/// for every word (it stays in the fastest cache, and the frequent words of a
/// stream keep their places in it), and a large one for the long words whose
/// two-letter deletions (n²/2 probes) are worth a slower lookup, cleared when
/// it fills. A hash collision can only skip a typo check for a word that
/// collides with a known non-candidate (probability ~2⁻⁴⁸ per word).
struct TypoMissTable {
    private var recent = [UInt64](repeating: 0, count: 1 << 12)
    private var slots = [UInt64](repeating: 0, count: 1 << 16)
    private var count = 0

    @inline(__always)
    private static func recentSlot(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 52)
    }

    /// - Parameter long: also look in the large table (a word whose two-letter deletions would be probed).
    func contains(_ key: UInt64, long: Bool) -> Bool {
        if recent.withUnsafeBufferPointer({ $0[Self.recentSlot(key)] }) == key { return true }
        guard long else { return false }
        return slots.withUnsafeBufferPointer { slots in
            let mask = slots.count - 1
            var slot = Int(truncatingIfNeeded: TypoIndex.mix(key)) & mask
            while slots[slot] != 0 {
                if slots[slot] == key { return true }
                slot = (slot + 1) & mask
            }
            return false
        }
    }

    mutating func insert(_ key: UInt64, long: Bool) {
        recent.withUnsafeMutableBufferPointer { $0[Self.recentSlot(key)] = key }
        guard long else { return }
        if count * 4 >= slots.count * 3 {
            for index in slots.indices { slots[index] = 0 }
            count = 0
        }
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: TypoIndex.mix(key)) & mask
        while slots[slot] != 0 {
            if slots[slot] == key { return }
            slot = (slot + 1) & mask
        }
        slots[slot] = key
        count += 1
    }
}

/// The shared ``TypoMissTable`` of a matcher, locked once per text rather than once per word.
/// The table lives behind a pointer, so that the lock alone guards it (no run-time exclusivity check per text).
final class TypoMissCache: @unchecked Sendable {
    private let lock = NSLock()
    private let table: UnsafeMutablePointer<TypoMissTable>

    init() {
        table = .allocate(capacity: 1)
        table.initialize(to: TypoMissTable())
    }

    deinit {
        table.deinitialize(count: 1)
        table.deallocate()
    }

    func access<R>(_ body: (inout TypoMissTable) -> R) -> R {
        lock.lock()
        defer { lock.unlock() }
        return body(&table.pointee)
    }
}
