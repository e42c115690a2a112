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
        // Scripts and symbol blocks where look-alikes, accents and compatibility forms live;
        // CJK ideographs and Hangul syllables (folding to themselves) are left to the fast path.
        for range in [0x80..<0x3400, 0xA640..<0xA800, 0xAB30..<0xAB70, 0xF900..<0x10000, 0x10400..<0x10500,
                      0x1D400..<0x1D800, 0x1F100..<0x1F200] as [Range<UInt32>] {
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

/// A text folded for matching, with the maps back to the original.
///
/// - `folded`: the NFKC / case / accent / confusable folded UTF-8 bytes;
///   `foldedOrigin[i]` is the index of the original Unicode scalar that byte came from.
/// - `compact`: the skeleton of the word characters only (separators dropped,
///   leetspeak mapped, `l`≡`i`), which the automaton scans so that
///   `C.a.r.t.i.e.r`, `Car tier` and `C4rt1er` all read `cartier`;
///   `compactFolded[j]` is the folded byte it came from.
struct FoldedText {
    var folded: [UInt8] = []
    var foldedOrigin: [Int32] = []
    var foldedKind: [UInt8] = []
    var foldedWord: [Bool] = []
    var compact: [UInt8] = []
    var compactFolded: [Int32] = []
    var compactFlags: [UInt8] = []
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

    init(_ text: String, table: FoldTable = .shared) {
        var source = text
        source.withUTF8 { utf8 in build(utf8, table: table) }
    }

    private mutating func build(_ utf8: UnsafeBufferPointer<UInt8>, table: FoldTable) {
        let count = utf8.count
        folded.reserveCapacity(count + 8)
        foldedOrigin.reserveCapacity(count + 8)
        foldedKind.reserveCapacity(count + 8)
        foldedWord.reserveCapacity(count + 8)
        var index = 0
        var scalarIndex: Int32 = 0
        while index < count {
            let lead = utf8[index]
            if lead < 0x80 {
                let lower = asciiLower[Int(lead)]
                folded.append(lower)
                foldedOrigin.append(scalarIndex)
                foldedKind.append(0)
                foldedWord.append(asciiClass[Int(lower)] == .letter || asciiClass[Int(lower)] == .digit)
                index += 1
                scalarIndex += 1
                continue
            }
            // Decode one scalar (the String is valid UTF-8).
            var value: UInt32
            var length: Int
            if lead < 0xE0 {
                value = UInt32(lead & 0x1F); length = 2
            } else if lead < 0xF0 {
                value = UInt32(lead & 0x0F); length = 3
            } else {
                value = UInt32(lead & 0x07); length = 4
            }
            for k in 1..<length where index + k < count {
                value = (value << 6) | UInt32(utf8[index + k] & 0x3F)
            }
            index += length
            appendFolded(value, scalarIndex: scalarIndex, table: table)
            scalarIndex += 1
        }
        scalarCount = Int(scalarIndex)
        buildCompact()
    }

    private mutating func appendFolded(_ value: UInt32, scalarIndex: Int32, table: FoldTable) {
        if value < FoldTable.limit {
            let entry = table.entries[Int(value)]
            if entry & 1 != 0 {
                let length = Int((entry >> 5) & 31)
                let offset = Int(entry >> 10)
                let kind = UInt8((entry >> 2) & 3)
                let isWord = entry & 2 != 0
                if length == 0 { transparentScalars.append(scalarIndex) }
                for k in 0..<length {
                    let byte = table.pool[offset + k]
                    folded.append(byte)
                    foldedOrigin.append(scalarIndex)
                    foldedKind.append(kind)
                    foldedWord.append(byte < 0x80 ? (asciiClass[Int(byte)] == .letter || asciiClass[Int(byte)] == .digit) : isWord)
                }
                return
            }
        }
        let result = table.fold(value)
        if result.bytes.isEmpty { transparentScalars.append(scalarIndex) }
        for byte in result.bytes {
            folded.append(byte)
            foldedOrigin.append(scalarIndex)
            foldedKind.append(result.kind.rawValue)
            foldedWord.append(byte < 0x80 ? (asciiClass[Int(byte)] == .letter || asciiClass[Int(byte)] == .digit) : result.isWord)
        }
    }

    private func byteClass(_ position: Int) -> ByteClass {
        let byte = folded[position]
        if byte < 0x80 { return asciiClass[Int(byte)] }
        return foldedWord[position] ? .wordNonASCII : .separator
    }

    /// An `@` between word characters is leetspeak (`C@rtier`) unless what follows looks like a mail domain.
    private func atIsMailSeparator(_ position: Int) -> Bool {
        var q = position + 1
        while q < folded.count, foldedWord[q] { q += 1 }
        return q + 1 < folded.count && folded[q] == UInt8(ascii: ".") && foldedWord[q + 1]
    }

    private mutating func buildCompact() {
        let count = folded.count
        compact.reserveCapacity(count)
        compactFolded.reserveCapacity(count)
        compactFlags.reserveCapacity(count)
        var position = 0
        while position < count {
            let first = byteClass(position)
            if first == .separator || first == .leetSymbol {
                position += 1
                continue
            }
            // One token: word characters, with leet symbols only between word characters.
            let start = position
            var hasLetter = false
            var hasLeetSymbol = false
            var end = position
            while end < count {
                let cls = byteClass(end)
                if cls == .letter || cls == .wordNonASCII {
                    hasLetter = true
                    end += 1
                } else if cls == .digit {
                    end += 1
                } else if cls == .leetSymbol, end + 1 < count, byteClass(end + 1) != .separator, byteClass(end + 1) != .leetSymbol,
                          !(folded[end] == UInt8(ascii: "@") && atIsMailSeparator(end)) {
                    hasLeetSymbol = true
                    end += 1
                } else if cls == .leetSymbol, hasLeetSymbol, folded[end] == UInt8(ascii: "@") || folded[end] == UInt8(ascii: "$"),
                          end + 1 >= count || byteClass(end + 1) == .separator {
                    // A last `@`/`$` of a word already written in leetspeak (`B@lenci@g@`).
                    end += 1
                } else {
                    break
                }
            }
            var context: UInt8 = 0
            if start > 0 {
                if folded[start - 1] == UInt8(ascii: "#") { context = CompactFlags.hashtag }
                if folded[start - 1] == UInt8(ascii: "@") { context = CompactFlags.mention }
            }
            let firstCompact = compact.count
            for k in start..<end {
                let byte = folded[k]
                var flags = context
                let output: UInt8
                switch byteClass(k) {
                case .letter:
                    output = skeletonLetter[Int(byte)]
                case .digit:
                    // Digits are leetspeak only in a word that has letters: `Cart1er`, not `1:1` or `2024`.
                    if hasLetter, leetLetter[Int(byte)] != byte {
                        output = leetLetter[Int(byte)]
                        flags |= CompactFlags.leet
                    } else {
                        output = byte
                    }
                case .leetSymbol:
                    output = leetLetter[Int(byte)]
                    flags |= CompactFlags.leet
                default:
                    output = byte
                }
                compact.append(output)
                compactFolded.append(Int32(k))
                compactFlags.append(flags)
            }
            if compact.count > firstCompact {
                compactFlags[firstCompact] |= CompactFlags.tokenStart
                compactFlags[compact.count - 1] |= CompactFlags.tokenEnd
            }
            position = end
        }
    }
}
