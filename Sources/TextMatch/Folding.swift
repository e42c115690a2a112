import Foundation

/// How a folded byte came about; decides between the `exact` and `confusable` rules.
enum FoldKind: UInt8 {
    /// ASCII as written (upper case counts as exact).
    case plain = 0
    /// Case or accent folding (`é` → `e`): still exact.
    case accent = 1
    /// NFKC compatibility (full-width, ligatures, mathematical letters): a look-alike.
    case compatibility = 2
    /// A UTS #39 confusable (`а` Cyrillic → `a`).
    case confusable = 3
}

/// Per-scalar folding: NFKC compatibility decomposition, combining marks and
/// default-ignorable characters dropped (accent folding), UTS #39 confusable
/// prototypes, lower case. Folding per scalar (rather than NFKC on the whole
/// string, which composes across scalars) keeps an exact map from every folded
/// byte back to the one original scalar it came from; dropping marks makes the
/// composition step irrelevant.
struct FoldTable: @unchecked Sendable {
    static let shared = FoldTable()

    /// Scalars below this get a precomputed entry; others are folded on the fly.
    static let limit: UInt32 = 0x20000

    /// Packed per scalar: bit 0 computed, bit 1 word character, bits 2-3 kind,
    /// bit 4 transparent (folds to nothing), bits 5-9 length, bits 10-31 pool offset.
    let entries: [UInt32]
    let pool: [UInt8]
    let confusables: [UInt32: String]

    struct Folded {
        var bytes: [UInt8]
        var kind: FoldKind
        var isWord: Bool
        var isTransparent: Bool
    }

    init() {
        var confusables: [UInt32: String] = [:]
        let text = ConfusablesData.pairs.replacingOccurrences(of: "\n", with: "")
        for pair in text.split(separator: ";") {
            let parts = pair.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let code = UInt32(parts[0], radix: 16) else { continue }
            confusables[code] = String(parts[1])
        }
        self.confusables = confusables
        var entries = [UInt32](repeating: 0, count: Int(Self.limit))
        var pool: [UInt8] = []
        func add(_ value: UInt32) {
            guard value < Self.limit, entries[Int(value)] == 0, let scalar = Unicode.Scalar(value) else { return }
            let folded = Self.compute(scalar, confusables: confusables)
            var entry: UInt32 = 1
            if folded.isWord { entry |= 2 }
            entry |= UInt32(folded.kind.rawValue) << 2
            if folded.isTransparent { entry |= 16 }
            entry |= UInt32(min(folded.bytes.count, 31)) << 5
            entry |= UInt32(pool.count) << 10
            pool += folded.bytes.prefix(31)
            entries[Int(value)] = entry
        }
        // Scripts and symbol blocks where look-alikes, accents and compatibility forms live, and the
        // emoji and pictograph blocks (frequent in posts; computing a fold on the fly goes through
        // Foundation's normalisation, microseconds per character);
        // CJK ideographs and Hangul syllables (folding to themselves) are left to the fast path.
        for range in [0x80..<0x3400, 0xA640..<0xA800, 0xAB30..<0xAB70, 0xF900..<0x10000, 0x10400..<0x10500,
                      0x1D400..<0x1D800, 0x1F000..<0x20000] as [Range<UInt32>] {
            for value in range { add(value) }
        }
        for value in confusables.keys { add(value) }
        self.entries = entries
        self.pool = pool
    }

    static func isCJKOrHangul(_ value: UInt32) -> Bool {
        (0x3400..<0xA000).contains(value) || (0xAC00..<0xD7A4).contains(value) || (0x20000..<0x32000).contains(value)
    }

    /// Folds one scalar (the slow, exact path; the table caches it).
    static func compute(_ scalar: Unicode.Scalar, confusables: [UInt32: String]) -> Folded {
        let properties = scalar.properties
        let isWord = properties.isAlphabetic || properties.numericType != nil
        if let prototype = confusables[scalar.value] {
            return Folded(bytes: Array(prototype.lowercased().utf8), kind: .confusable, isWord: true, isTransparent: false)
        }
        if scalar.value == 0xDF { // ß has no decomposition; fold it as German writes it without ß.
            return Folded(bytes: Array("ss".utf8), kind: .accent, isWord: true, isTransparent: false)
        }
        let single = String(Character(scalar))
        let compatibility = single.decomposedStringWithCompatibilityMapping
        let canonical = single.decomposedStringWithCanonicalMapping
        var kind: FoldKind = compatibility.unicodeScalars.elementsEqual(canonical.unicodeScalars) ? .accent : .compatibility
        var out = ""
        for part in compatibility.unicodeScalars {
            let category = part.properties.generalCategory
            if category == .nonspacingMark || category == .enclosingMark || part.properties.isDefaultIgnorableCodePoint {
                continue
            }
            if part.value >= 0x80, let prototype = confusables[part.value] {
                out += prototype.lowercased()
                kind = .confusable
            } else {
                out += part.properties.lowercaseMapping
            }
        }
        let bytes = Array(out.utf8)
        if bytes == Array(single.utf8) { kind = .plain }
        return Folded(bytes: bytes, kind: kind, isWord: isWord, isTransparent: bytes.isEmpty)
    }

    func fold(_ value: UInt32) -> Folded {
        if value < Self.limit {
            let entry = entries[Int(value)]
            if entry & 1 != 0 {
                let length = Int((entry >> 5) & 31)
                let offset = Int(entry >> 10)
                return Folded(bytes: Array(pool[offset..<offset + length]), kind: FoldKind(rawValue: UInt8((entry >> 2) & 3))!,
                              isWord: entry & 2 != 0, isTransparent: entry & 16 != 0)
            }
        }
        guard let scalar = Unicode.Scalar(value) else { return Folded(bytes: [], kind: .plain, isWord: false, isTransparent: true) }
        if Self.isCJKOrHangul(value) {
            return Folded(bytes: Array(String(Character(scalar)).utf8), kind: .plain, isWord: true, isTransparent: false)
        }
        return Self.compute(scalar, confusables: confusables)
    }

    /// The folded form of a whole string (used for terms and word lists).
    func fold(_ text: String) -> String {
        var out: [UInt8] = []
        for scalar in text.unicodeScalars {
            if scalar.value < 0x80 {
                out.append(asciiLower[Int(scalar.value)])
            } else {
                out += fold(scalar.value).bytes
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

let asciiLower: [UInt8] = (0..<256).map { byte in
    (65...90).contains(byte) ? UInt8(byte + 32) : UInt8(byte)
}

/// Byte classes of the folded text, for tokenising.
enum ByteClass: UInt8 {
    case separator = 0, letter, digit, leetSymbol, wordNonASCII
}

let asciiClass: [ByteClass] = (0..<256).map { byte in
    switch UInt8(byte) {
    case UInt8(ascii: "a")...UInt8(ascii: "z"): return .letter
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return .digit
    case UInt8(ascii: "@"), UInt8(ascii: "$"), UInt8(ascii: "!"), UInt8(ascii: "|"), UInt8(ascii: "+"): return .leetSymbol
    default: return .separator
    }
}

/// The skeleton of a letter: `l` and `i` look alike (and `1`, `!`, `|` stand for either), so they are one letter.
let skeletonLetter: [UInt8] = (0..<256).map { byte in
    byte == Int(UInt8(ascii: "l")) ? UInt8(ascii: "i") : UInt8(byte)
}

/// Leetspeak digits and symbols inside a word: `C4rt1er`, `C@rtier`.
let leetLetter: [UInt8] = (0..<256).map { byte in
    switch UInt8(byte) {
    case UInt8(ascii: "0"): return UInt8(ascii: "o")
    case UInt8(ascii: "1"), UInt8(ascii: "!"), UInt8(ascii: "|"): return UInt8(ascii: "i")
    case UInt8(ascii: "3"): return UInt8(ascii: "e")
    case UInt8(ascii: "4"), UInt8(ascii: "@"): return UInt8(ascii: "a")
    case UInt8(ascii: "5"), UInt8(ascii: "$"): return UInt8(ascii: "s")
    case UInt8(ascii: "7"), UInt8(ascii: "+"): return UInt8(ascii: "t")
    case UInt8(ascii: "8"): return UInt8(ascii: "b")
    case UInt8(ascii: "9"): return UInt8(ascii: "g")
    default: return UInt8(byte)
    }
}

/// Flags of a compact (skeleton) byte.
struct CompactFlags {
    static let tokenStart: UInt8 = 1
    static let tokenEnd: UInt8 = 2
    static let leet: UInt8 = 4
    static let hashtag: UInt8 = 8
    static let mention: UInt8 = 16
}

/// Per-byte class of folded ASCII as raw values, for pointer loops.
let asciiClassRaw: [UInt8] = asciiClass.map(\.rawValue)

/// A text folded for matching, with the maps back to the original.
///
/// - `folded`: the NFKC / case / accent / confusable folded UTF-8 bytes;
///   `foldedOrigin[i]` is the index of the original Unicode scalar that byte came from;
///   `foldedKind[i]` is its ``FoldKind`` (bits 0-3) and, bit 4, whether it belongs to a word character.
/// - `compact`: the skeleton of the word characters only (separators dropped,
///   leetspeak mapped, `l`≡`i`), which the automaton scans so that
///   `C.a.r.t.i.e.r`, `Car tier` and `C4rt1er` all read `cartier`;
///   `compactFolded[j]` is the folded byte it came from.
///
/// Built with raw pointer loops over uninitialised buffers (ASCII runs copied a byte at a time
/// without decoding; compact bytes and flags from per-byte tables): this is the hot path of the stage.
struct FoldedText {
    static let wordBit: UInt8 = 16

    /// The six per-byte arrays live in two allocations (bytes: folded, kinds, compact, compact flags;
    /// integers: origins, compact-to-folded), sections of which are handed out: a text costs a few
    /// allocations instead of one per array.
    private var bytes: [UInt8] = []
    private var integers: [Int32] = []
    private var bound = 0
    private var foldedCount = 0
    private var compactCount = 0

    var folded: Section<UInt8> { Section(storage: bytes, offset: 0, count: foldedCount) }
    var foldedKind: Section<UInt8> { Section(storage: bytes, offset: bound, count: foldedCount) }
    var compact: Section<UInt8> { Section(storage: bytes, offset: 2 * bound, count: compactCount) }
    var compactFlags: Section<UInt8> { Section(storage: bytes, offset: 3 * bound, count: compactCount) }
    var foldedOrigin: Section<Int32> { Section(storage: integers, offset: 0, count: foldedCount) }
    var compactFolded: Section<Int32> { Section(storage: integers, offset: bound, count: compactCount) }
    /// The compact tokens, each packed by ``Token``: where the automaton starts and which words the typo rule reads,
    /// without another pass over the bytes.
    var tokens: [UInt64] = []
    var scalarCount = 0
    /// Scalars that folded to nothing (combining marks, default ignorables), in order.
    var transparentScalars: [Int32] = []

    func isTransparent(_ scalar: Int) -> Bool {
        guard let last = transparentScalars.last, Int32(scalar) <= last else { return false }
        var low = 0, high = transparentScalars.count
        while low < high {
            let mid = (low + high) / 2
            if transparentScalars[mid] < Int32(scalar) { low = mid + 1 } else { high = mid }
        }
        return low < transparentScalars.count && transparentScalars[low] == Int32(scalar)
    }

    func isWordByte(_ position: Int) -> Bool { foldedKind[position] & Self.wordBit != 0 }

    /// A compact token packed in 64 bits: first and last compact index, whether every compact byte
    /// is a letter `a`-`z`, whether a match may start at any of its bytes (a hashtag or mention,
    /// or non-ASCII bytes, as CJK has no spaces).
    enum Token {
        static let lettersOnly: UInt64 = 1 << 62
        static let startsAnywhere: UInt64 = 1 << 63

        @inline(__always) static func first(_ token: UInt64) -> Int { Int(token & 0x7FFF_FFFF) }
        @inline(__always) static func last(_ token: UInt64) -> Int { Int((token >> 31) & 0x7FFF_FFFF) }
    }

    init(_ text: String, table: FoldTable = .shared) {
        var source = text
        var bound = 0, foldedCount = 0, compactCount = 0, scalarCount = 0
        var transparent: [Int32] = []
        var tokens: [UInt64] = []
        var integers: [Int32] = []
        let bytes = source.withUTF8 { utf8 -> [UInt8] in
            // Bytes of 0x80 and up, counted eight at a time.
            var nonASCII = 0
            var index = 0
            if let base = utf8.baseAddress {
                while index + 8 <= utf8.count {
                    let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                    nonASCII += (word & 0x8080_8080_8080_8080).nonzeroBitCount
                    index += 8
                }
            }
            while index < utf8.count {
                if utf8[index] >= 0x80 { nonASCII += 1 }
                index += 1
            }
            // A non-ASCII scalar has 2+ UTF-8 bytes and folds to at most 31 bytes.
            bound = utf8.count + nonASCII * 16 + 1
            // Filled in place without zeroing: only the sections' first `foldedCount` / `compactCount`
            // elements are written, and only those are ever read (the types are trivial).
            return [UInt8](unsafeUninitializedCapacity: 4 * bound) { byteBuffer, byteCount in
                integers = [Int32](unsafeUninitializedCapacity: 2 * bound) { integerBuffer, integerCount in
                    let byteBase = byteBuffer.baseAddress!, integerBase = integerBuffer.baseAddress!
                    (foldedCount, scalarCount) = Self.fold(
                        utf8, table: table, out: byteBase, kind: byteBase + bound, origin: integerBase, transparent: &transparent)
                    compactCount = Self.compact(
                        folded: UnsafeBufferPointer(start: byteBase, count: foldedCount),
                        kind: UnsafeBufferPointer(start: byteBase + bound, count: foldedCount),
                        out: byteBase + 2 * bound, outFlags: byteBase + 3 * bound, outFolded: integerBase + bound,
                        tokens: &tokens)
                    integerCount = 2 * bound
                }
                byteCount = 4 * bound
            }
        }
        self.bytes = bytes
        self.integers = integers
        self.bound = bound
        self.foldedCount = foldedCount
        self.compactCount = compactCount
        self.scalarCount = scalarCount
        self.transparentScalars = transparent
        self.tokens = tokens
    }

    /// Folds `utf8` into `out` / `kind` / `origin`; returns the folded length and the number of scalars.
    private static func fold(_ utf8: UnsafeBufferPointer<UInt8>, table: FoldTable, out: UnsafeMutablePointer<UInt8>,
                             kind: UnsafeMutablePointer<UInt8>, origin: UnsafeMutablePointer<Int32>,
                             transparent: inout [Int32]) -> (Int, Int) {
        let count = utf8.count
        var length = 0
        var scalarIndex: Int32 = 0
        let lower = asciiLower, classes = asciiClassRaw, asciiKinds = asciiFoldedKind
        lower.withUnsafeBufferPointer { lower in
        classes.withUnsafeBufferPointer { classes in
        asciiKinds.withUnsafeBufferPointer { asciiKinds in
        table.entries.withUnsafeBufferPointer { entries in
        table.pool.withUnsafeBufferPointer { pool in
            var index = 0
            while index < count {
                // A run of ASCII: one byte in, one byte out, from one scalar each (found eight bytes at a time).
                var runEnd = index
                while runEnd + 8 <= count,
                      UnsafeRawPointer(utf8.baseAddress! + runEnd).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                    runEnd += 8
                }
                while runEnd < count, utf8[runEnd] < 0x80 { runEnd += 1 }
                let run = runEnd - index
                for k in 0..<run {
                    let byte = utf8[index + k]
                    out[length + k] = lower[Int(byte)]
                    origin[length + k] = scalarIndex + Int32(k)
                    kind[length + k] = asciiKinds[Int(byte)]
                }
                length += run
                index = runEnd
                scalarIndex += Int32(run)
                if index >= count { break }
                let lead = utf8[index]
                var value: UInt32
                var width: Int
                if lead < 0xE0 {
                    value = UInt32(lead & 0x1F); width = 2
                } else if lead < 0xF0 {
                    value = UInt32(lead & 0x0F); width = 3
                } else {
                    value = UInt32(lead & 0x07); width = 4
                }
                for k in 1..<width where index + k < count {
                    value = (value << 6) | UInt32(utf8[index + k] & 0x3F)
                }
                index += width
                var bytesOut: Int
                if value < FoldTable.limit, entries[Int(value)] & 1 != 0 {
                    let entry = entries[Int(value)]
                    bytesOut = Int((entry >> 5) & 31)
                    let offset = Int(entry >> 10)
                    let foldKind = UInt8((entry >> 2) & 3)
                    let isWord = entry & 2 != 0
                    for k in 0..<bytesOut {
                        let byte = pool[offset + k]
                        out[length] = byte
                        origin[length] = scalarIndex
                        let word = byte < 0x80 ? (classes[Int(byte)] == ByteClass.letter.rawValue || classes[Int(byte)] == ByteClass.digit.rawValue) : isWord
                        kind[length] = foldKind | (word ? FoldedText.wordBit : 0)
                        length += 1
                    }
                } else {
                    let result = table.fold(value)
                    bytesOut = min(result.bytes.count, 31)
                    for byte in result.bytes.prefix(31) {
                        out[length] = byte
                        origin[length] = scalarIndex
                        let word = byte < 0x80 ? (classes[Int(byte)] == ByteClass.letter.rawValue || classes[Int(byte)] == ByteClass.digit.rawValue) : result.isWord
                        kind[length] = result.kind.rawValue | (word ? FoldedText.wordBit : 0)
                        length += 1
                    }
                }
                if bytesOut == 0 { transparent.append(scalarIndex) }
                scalarIndex += 1
            }
        }}}}}
        return (length, Int(scalarIndex))
    }

    /// Compacts folded text into `out` / `outFlags` / `outFolded`, listing its tokens; returns the compact length.
    private static func compact(folded: UnsafeBufferPointer<UInt8>, kind: UnsafeBufferPointer<UInt8>,
                                out: UnsafeMutablePointer<UInt8>, outFlags: UnsafeMutablePointer<UInt8>,
                                outFolded: UnsafeMutablePointer<Int32>, tokens: inout [UInt64]) -> Int {
        let count = folded.count
        var length = 0
        let classes = asciiClassRaw, withLetters = compactByteWithLetters, withoutLetters = compactByteWithoutLetters
        let leetFlags = compactLeetFlag
        let separator = ByteClass.separator.rawValue, letter = ByteClass.letter.rawValue, digit = ByteClass.digit.rawValue
        let leetSymbol = ByteClass.leetSymbol.rawValue, nonASCII = ByteClass.wordNonASCII.rawValue
        let at = UInt8(ascii: "@"), dollar = UInt8(ascii: "$"), hash = UInt8(ascii: "#")
        tokens.reserveCapacity(count / 4 + 1)
        classes.withUnsafeBufferPointer { classes in
        withLetters.withUnsafeBufferPointer { withLetters in
        withoutLetters.withUnsafeBufferPointer { withoutLetters in
        leetFlags.withUnsafeBufferPointer { leetFlags in
            @inline(__always) func byteClass(_ position: Int) -> UInt8 {
                let byte = folded[position]
                if byte < 0x80 { return classes[Int(byte)] }
                return kind[position] & FoldedText.wordBit != 0 ? nonASCII : separator
            }
            /// An `@` between word characters is leetspeak (`C@rtier`) unless what follows looks like a mail domain.
            func atIsMailSeparator(_ position: Int) -> Bool {
                var q = position + 1
                while q < count, kind[q] & FoldedText.wordBit != 0 { q += 1 }
                return q + 1 < count && folded[q] == UInt8(ascii: ".") && kind[q + 1] & FoldedText.wordBit != 0
            }
            var position = 0
            while position < count {
                // Separators and leading leet symbols belong to no token.
                while position < count, kind[position] & FoldedText.wordBit == 0 { position += 1 }
                if position >= count { break }
                // One token: word characters, with leet symbols only between word characters.
                // Its bytes are written as they are read, as for a word with letters; a token
                // without letters (`2024`, `1:1`) is rewritten after, its digits kept as digits.
                let start = position
                var context: UInt8 = 0
                if start > 0 {
                    if folded[start - 1] == hash { context = CompactFlags.hashtag }
                    if folded[start - 1] == at { context = CompactFlags.mention }
                }
                let firstCompact = length
                var hasLetter = false
                var hasLeetSymbol = false
                var lettersOnly = true
                var nonASCIIByte = false
                var end = position
                while end < count {
                    let byte = folded[end]
                    if byte &- UInt8(ascii: "a") < 26 {
                        // The common case first: an ASCII letter (folded text is lower case).
                        hasLetter = true
                        if end + 8 <= count {
                            // Eight bytes at once: the run of letters a-z at their start, `l` read as `i`.
                            // All eight are written (the compact index never passes the folded one, so
                            // this stays inside the section); the bytes after the run are overwritten later.
                            let high: UInt64 = 0x8080_8080_8080_8080, low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
                            let chunk = UnsafeRawPointer(folded.baseAddress! + end).loadUnaligned(as: UInt64.self)
                            let seven = chunk & low7
                            // High bit of each byte: at least `a` (0x61), and not past `z` (0x7A), and ASCII.
                            let letters = (seven &+ 0x1F1F_1F1F_1F1F_1F1F) & ~(seven &+ 0x0505_0505_0505_0505) & ~chunk & high
                            let run = (~letters & high).trailingZeroBitCount / 8
                            let differs = chunk ^ 0x6C6C_6C6C_6C6C_6C6C
                            let isL = ~(((differs & low7) &+ low7) | differs | low7)
                            let skeleton = chunk &- (isL >> 7) &* 3
                            UnsafeMutableRawPointer(out + length).storeBytes(of: skeleton, as: UInt64.self)
                            UnsafeMutableRawPointer(outFlags + length).storeBytes(
                                of: UInt64(context) &* 0x0101_0101_0101_0101, as: UInt64.self)
                            for k in 0..<8 { outFolded[length + k] = Int32(end + k) }
                            length += run
                            end += run
                            continue
                        }
                        out[length] = withLetters[Int(byte)]
                        outFolded[length] = Int32(end)
                        outFlags[length] = context
                        length += 1
                        end += 1
                        continue
                    }
                    if kind[end] & FoldedText.wordBit != 0 {
                        // Letter, digit or non-ASCII word character.
                        hasLetter = hasLetter || byte >= 0x80 || classes[Int(byte)] == letter
                    } else if byte < 0x80, classes[Int(byte)] == leetSymbol {
                        let next = end + 1 < count ? byteClass(end + 1) : separator
                        if next != separator, next != leetSymbol, !(byte == at && atIsMailSeparator(end)) {
                            hasLeetSymbol = true
                        } else if hasLeetSymbol, byte == at || byte == dollar, next == separator {
                            // A last `@`/`$` of a word already written in leetspeak (`B@lenci@g@`).
                        } else {
                            break
                        }
                    } else {
                        break
                    }
                    let compactByte = withLetters[Int(byte)]
                    lettersOnly = lettersOnly && compactByte &- UInt8(ascii: "a") < 26
                    nonASCIIByte = nonASCIIByte || byte >= 0x80
                    out[length] = compactByte
                    outFolded[length] = Int32(end)
                    outFlags[length] = context | leetFlags[Int(byte)]
                    length += 1
                    end += 1
                }
                if !hasLetter {
                    // Digits are leetspeak only in a word that has letters: `Cart1er`, not `1:1` or `2024`.
                    for j in firstCompact..<length {
                        let byte = folded[Int(outFolded[j])]
                        if byte < 0x80, classes[Int(byte)] == digit {
                            out[j] = withoutLetters[Int(byte)]
                            outFlags[j] = context
                        }
                    }
                }
                if length > firstCompact {
                    outFlags[firstCompact] |= CompactFlags.tokenStart
                    outFlags[length - 1] |= CompactFlags.tokenEnd
                    var token = UInt64(firstCompact) | UInt64(length - 1) << 31
                    if hasLetter && lettersOnly { token |= Token.lettersOnly }
                    if context != 0 || nonASCIIByte { token |= Token.startsAnywhere }
                    tokens.append(token)
                }
                position = end
            }
        }}}}
        return length
    }
}

/// The kind byte of a folded ASCII byte (its lower-case form): the word bit for letters and digits.
let asciiFoldedKind: [UInt8] = (0..<256).map { byte in
    guard byte < 0x80 else { return 0 }
    let cls = asciiClass[Int(asciiLower[byte])]
    return cls == .letter || cls == .digit ? FoldedText.wordBit : 0
}

/// The compact byte of a folded byte inside a token that has letters: letters by their
/// skeleton, digits and leet symbols by the letter they stand for, non-ASCII as is.
let compactByteWithLetters: [UInt8] = (0..<256).map { byte in
    guard byte < 0x80 else { return UInt8(byte) }
    switch asciiClass[byte] {
    case .letter: return skeletonLetter[byte]
    case .digit, .leetSymbol: return leetLetter[byte]
    default: return UInt8(byte)
    }
}

/// The compact byte of a digit in a token without letters: the digit itself.
let compactByteWithoutLetters: [UInt8] = (0..<256).map { UInt8($0) }

/// The leet flag of a folded byte inside a token that has letters: a digit that stands for a letter, or a leet symbol.
let compactLeetFlag: [UInt8] = (0..<256).map { byte in
    guard byte < 0x80 else { return 0 }
    switch asciiClass[byte] {
    case .digit: return leetLetter[byte] != UInt8(byte) ? CompactFlags.leet : 0
    case .leetSymbol: return CompactFlags.leet
    default: return 0
    }
}

/// A section of an array, indexed from 0: a view of one of ``FoldedText``'s per-byte arrays.
struct Section<Element>: RandomAccessCollection {
    let storage: [Element]
    let offset: Int
    let count: Int

    var startIndex: Int { 0 }
    var endIndex: Int { count }

    @inline(__always)
    subscript(position: Int) -> Element {
        precondition(position >= 0 && position < count, "index out of range")
        return storage[offset &+ position]
    }

    func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Element>) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[offset..<offset + count])) }
    }
}
