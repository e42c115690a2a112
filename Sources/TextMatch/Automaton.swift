/// The multi-term automaton: a trie of every compact pattern, compiled to
/// dense rows over byte classes, walked from each place where a match may
/// start (a word start, a non-ASCII character, any letter of a hashtag or
/// mention), so that scanning costs a few table steps per word whatever the
/// number of patterns.
///
/// A match starting anywhere else would be inside a longer word, which the
/// verification rejects (BRANDS.md: terms match at word boundaries), so these
/// walks find exactly the hits an Aho-Corasick scan of every position would
/// keep, while touching only the shallow, cache-resident rows of the trie for
/// ordinary words (the complete Aho-Corasick table of thousands of terms is
/// megabytes, and every byte of the scan stepped through it).
///
/// Before a walk, the four bytes at the start are looked up in a small bit set
/// of the patterns' first four bytes (patterns shorter than four bytes by their
/// first byte), so that most words cost one probe of an L1-resident table and
/// no walk at all.
///
/// Only bytes that occur in some pattern get a class; every other byte ends a
/// walk. A transition stores `next << 1 | endsPattern`, 0 for no edge (the
/// root is never a child).
struct Automaton: Sendable {
    let classOf: [UInt8]
    let classCount: Int
    let transitions: [Int32]
    /// For each state, the pattern that ends there (-1 for none).
    let patternAt: [Int32]
    let patternLengths: [Int32]
    /// Bit set of the hashed first four bytes of every pattern of 4+ bytes.
    let gate: [UInt64]
    let gateShift: UInt32
    /// Whether a pattern of fewer than four bytes starts with this byte.
    let startsShortPattern: [Bool]

    @inline(__always)
    static func gateHash(_ four: UInt32, shift: UInt32) -> Int {
        Int((four &* 0x9E37_79B1) >> shift)
    }

    init(patterns: [[UInt8]]) {
        var classOf = [UInt8](repeating: 0, count: 256)
        var classCount = 1
        for pattern in patterns {
            for byte in pattern where classOf[Int(byte)] == 0 {
                precondition(classCount < 255, "more than 254 distinct pattern bytes")
                classOf[Int(byte)] = UInt8(classCount)
                classCount += 1
            }
        }
        var children: [Int32] = Array(repeating: 0, count: classCount)
        var patternAt: [Int32] = [-1]
        for (id, pattern) in patterns.enumerated() where !pattern.isEmpty {
            var state = 0
            for byte in pattern {
                let slot = state * classCount + Int(classOf[Int(byte)])
                if children[slot] == 0 {
                    children[slot] = Int32(patternAt.count)
                    children += Array(repeating: 0, count: classCount)
                    patternAt.append(-1)
                }
                state = Int(children[slot])
            }
            // Patterns are distinct (the matcher merges uses of one compact form).
            patternAt[state] = Int32(id)
        }
        var transitions = [Int32](repeating: 0, count: children.count)
        for slot in 0..<children.count where children[slot] != 0 {
            let next = Int(children[slot])
            transitions[slot] = Int32(next << 1) | (patternAt[next] >= 0 ? 1 : 0)
        }
        self.classOf = classOf
        self.classCount = classCount
        self.transitions = transitions
        self.patternAt = patternAt
        precondition(patterns.count < 1 << 20 && patterns.allSatisfy { $0.count < 1 << 20 }, "too many or too long patterns")
        self.patternLengths = patterns.map { Int32($0.count) }
        // About 32 bits per distinct prefix: ~3% of other words pass the gate.
        var gateBits = 1 << 12
        while gateBits < patterns.count * 32 { gateBits <<= 1 }
        let gateShift = UInt32(32 - gateBits.trailingZeroBitCount)
        var gate = [UInt64](repeating: 0, count: gateBits / 64)
        var startsShortPattern = [Bool](repeating: false, count: 256)
        for pattern in patterns where !pattern.isEmpty {
            if pattern.count >= 4 {
                let four = UInt32(pattern[0]) | UInt32(pattern[1]) << 8 | UInt32(pattern[2]) << 16 | UInt32(pattern[3]) << 24
                let bit = Self.gateHash(four, shift: gateShift)
                gate[bit >> 6] |= 1 << UInt64(bit & 63)
            } else {
                startsShortPattern[Int(pattern[0])] = true
            }
        }
        self.gate = gate
        self.gateShift = gateShift
        self.startsShortPattern = startsShortPattern
    }

    var stateCount: Int { patternAt.count }

    /// Calls `found(pattern, end)` for every pattern that occurs in `bytes` starting at the first
    /// byte of a token, at any byte of a token marked ``FoldedText/Token/startsAnywhere`` (a hashtag
    /// or mention) or at a non-ASCII byte (`end` is the index of its last byte), in the order of an
    /// Aho-Corasick scan: by end, longest first.
    func scan(_ bytes: Section<UInt8>, tokens: [UInt64], _ found: (Int, Int) -> Void) {
        // Packed so that sorting the integers orders them by end, then longest first:
        // end << 40 | (2^20 - 1 - length) << 20 | pattern.
        var hits: [UInt64] = []
        bytes.withUnsafeBufferPointer { text in
        tokens.withUnsafeBufferPointer { tokens in
        classOf.withUnsafeBufferPointer { classes in
        transitions.withUnsafeBufferPointer { table in
        patternAt.withUnsafeBufferPointer { patternAt in
        gate.withUnsafeBufferPointer { gate in
        startsShortPattern.withUnsafeBufferPointer { startsShortPattern in
            let width = classCount
            let count = text.count
            let shift = gateShift
            let raw = UnsafeRawPointer(text.baseAddress)
            @inline(__always) func walk(from start: Int) {
                // A pattern of 4+ bytes here starts with these four bytes; a shorter one with this byte.
                if start + 4 <= count, !startsShortPattern[Int(text[start])] {
                    let four = UInt32(littleEndian: raw!.loadUnaligned(fromByteOffset: start, as: UInt32.self))
                    let bit = Self.gateHash(four, shift: shift)
                    if gate[bit >> 6] & (1 << UInt64(bit & 63)) == 0 { return }
                }
                var state = 0
                var position = start
                while position < count {
                    let step = table[state &* width &+ Int(classes[Int(text[position])])]
                    if step == 0 { break }
                    state = Int(step >> 1)
                    if step & 1 != 0 {
                        let pattern = patternAt[state]
                        let length = UInt64(position - start + 1)
                        hits.append(UInt64(position) << 40 | (0xFFFFF - length) << 20 | UInt64(pattern))
                    }
                    position += 1
                }
            }
            for token in tokens {
                let first = FoldedText.Token.first(token)
                if token & FoldedText.Token.startsAnywhere == 0 {
                    walk(from: first)
                    continue
                }
                // Every byte of a hashtag or mention, or of a token with non-ASCII bytes (a start at an
                // ASCII byte inside the latter only finds hits the verification drops).
                for start in first...FoldedText.Token.last(token) { walk(from: start) }
            }
        }}}}}}}
        if hits.count > 1 { hits.sort() }
        for hit in hits { found(Int(hit & 0xFFFFF), Int(hit >> 40)) }
    }
}
