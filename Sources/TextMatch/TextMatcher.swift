import BrandProfiles
import Foundation
import TouchstoneCore

/// What a pattern stands for.
enum PatternKind: Sendable {
    case brandTerm, product, counterfeit, exclude

    var signal: SignalName {
        switch self {
        case .brandTerm: .brandTerm
        case .product: .product
        case .counterfeit: .counterfeitTerm
        case .exclude: .excluded
        }
    }
}

/// One use of a compact pattern: a brand's term, product, exclude term, or a counterfeit term.
struct PatternUse: Sendable {
    var kind: PatternKind
    /// The profile's index; nil for a built-in counterfeit term (every brand).
    var brand: Int?
    /// The term as written in the profile.
    var display: String
    /// Its folded form (case, accents, look-alikes), reported as `normalized`.
    var normalized: String
    /// Its word characters folded but without the skeleton (`l` stays `l`), to tell exact from look-alike.
    var plain: [UInt8]
    /// Gaps between the term's words: compact offset of the last character before the gap → the gap (spaces collapsed).
    var breaks: [Int: [UInt8]]
    /// A product made only of ordinary words (`Tank`) counts only with brand context.
    var needsContext: Bool
}

/// A match in one text, before the item-level rules (context, exclusion) are applied.
public struct TextFinding: Sendable, Hashable {
    /// The profile's index; nil for a built-in counterfeit term.
    public var brand: Int?
    public var signal: SignalName
    public var rule: String
    public var span: [Int]
    public var matched: String
    public var normalized: String
    public var detail: String?
    /// A product name made of ordinary words: needs brand context.
    public var needsContext: Bool
    var compactRange: ClosedRange<Int>
}

/// The pure matcher of BRANDS.md for a set of profiles.
///
/// All brand terms, product names, exclude terms and counterfeit terms of all
/// profiles are compiled into one automaton (a trie) over the compact
/// skeleton of the text (see ``FoldedText``), walked from every place a match
/// may start, so a text costs a few steps per word whatever the number of
/// terms; each hit is then verified (word boundaries, how the text was split,
/// leetspeak, look-alikes) and explained. Typos go
/// through a deletion index (``TypoIndex``).
///
/// ```swift
/// let matcher = TextMatcher(profiles: try BrandProfileLoader.loadDirectory(brands))
/// let signals = matcher.signals(for: item)
/// ```
public final class TextMatcher: Sendable {
    public let profiles: [BrandProfile]
    public let words: WordList
    public let rates: ExchangeRates
    let automaton: Automaton
    let patternUses: [[PatternUse]]
    let typoIndex: TypoIndex
    /// Typo entries' payload: (pattern, use) pairs.
    let typoUses: [(pattern: Int, use: Int)]
    let typoMisses = TypoMissCache()

    /// - Parameter matchTypos: false skips the typo rule (for measuring the rest; the stage always matches typos).
    public init(profiles: [BrandProfile], words: WordList = .system, rates: ExchangeRates = .default,
                builtinCounterfeitTerms: [String] = CounterfeitTerms.all, matchTypos: Bool = true) {
        self.profiles = profiles
        self.words = words
        self.rates = rates
        var patternIndex: [[UInt8]: Int] = [:]
        var patterns: [[UInt8]] = []
        var uses: [[PatternUse]] = []
        var typoEntries: [TypoIndex.Entry] = []
        var typoUses: [(Int, Int)] = []

        func add(_ term: String, kind: PatternKind, brand: Int?) {
            let text = FoldedText(term)
            guard !text.compact.isEmpty else { return }
            var breaks: [Int: [UInt8]] = [:]
            var plain: [UInt8] = []
            for j in 0..<text.compact.count {
                let byte = text.folded[Int(text.compactFolded[j])]
                plain.append(text.compactFlags[j] & CompactFlags.leet != 0 ? text.compact[j] : byte)
                if text.compactFlags[j] & CompactFlags.tokenEnd != 0, j + 1 < text.compact.count {
                    let gap = text.folded[Int(text.compactFolded[j]) + 1..<Int(text.compactFolded[j + 1])]
                    breaks[j] = Self.collapse(gap)
                }
            }
            var needsContext = false
            if kind == .product {
                let folded = FoldTable.shared.fold(term)
                let parts = folded.split { !($0.isLetter || $0.isNumber) }
                // Ordinary when every word is in the lists and it reads as language: one word
                // (`Tank`, `Kelly`), or several with a common word among them (`Love bracelet`,
                // `Kelly bag`). Names only (`Santos-Dumont`) are a distinctive name.
                let bytes = parts.map { Array($0.utf8) }
                needsContext = bytes.isEmpty
                    || (bytes.allSatisfy { words.contains(folded: $0) }
                        && (bytes.count == 1 || bytes.contains { words.containsCommon(folded: $0) }))
            }
            let normalized = FoldTable.shared.fold(term).split(whereSeparator: \.isWhitespace).joined(separator: " ")
            let use = PatternUse(kind: kind, brand: brand, display: term, normalized: normalized, plain: plain,
                                 breaks: breaks, needsContext: needsContext)
            let id: Int
            let compact = Array(text.compact)
            if let existing = patternIndex[compact] {
                id = existing
            } else {
                id = patterns.count
                patternIndex[compact] = id
                patterns.append(compact)
                uses.append([])
            }
            uses[id].append(use)
            // Typos: single-word brand terms and product names of 5+ ASCII letters.
            if kind == .brandTerm || kind == .product, breaks.isEmpty,
               text.compact.allSatisfy({ asciiClass[Int($0)] == .letter }) {
                let distance = TypoIndex.allowedDistance(length: text.compact.count)
                if distance > 0 {
                    typoEntries.append(TypoIndex.Entry(term: compact, maxDistance: distance, payload: typoUses.count))
                    typoUses.append((id, uses[id].count - 1))
                }
            }
        }

        for term in builtinCounterfeitTerms { add(term, kind: .counterfeit, brand: nil) }
        for (index, profile) in profiles.enumerated() {
            for term in profile.terms { add(term, kind: .brandTerm, brand: index) }
            for product in profile.products { add(product, kind: .product, brand: index) }
            for term in profile.counterfeitTerms { add(term, kind: .counterfeit, brand: index) }
            for term in profile.excludeTerms { add(term, kind: .exclude, brand: index) }
        }
        automaton = Automaton(patterns: patterns)
        patternUses = uses
        typoIndex = TypoIndex(entries: matchTypos ? typoEntries : [])
        self.typoUses = typoUses
    }

    /// The versions of the profiles this matcher judges with.
    public var profileVersions: [ProfileVersion] {
        profiles.map { ProfileVersion(brand: $0.id, version: $0.version) }
    }

    static func collapse<C: Collection>(_ gap: C) -> [UInt8] where C.Element == UInt8 {
        var out: [UInt8] = []
        for byte in gap {
            let isSpace = byte == 32 || byte == 9 || byte == 10 || byte == 13
            if isSpace {
                if out.last != 32 { out.append(32) }
            } else {
                out.append(byte)
            }
        }
        return out
    }

    // MARK: One text

    /// Every match in one text, with spans in Unicode scalar offsets of `text`.
    /// Exclusion and brand context are applied at item level (``signals(for:ignoringPlatforms:)``).
    public func findings(in text: String) -> [TextFinding] {
        let folded = FoldedText(text)
        var findings: [TextFinding] = []
        func original(_ span: Range<Int>) -> String { Self.substring(of: text, scalars: span) }
        // Matches may start at a word start, inside a hashtag or mention, or at a non-ASCII character (CJK has no spaces).
        automaton.scan(folded.compact, tokens: folded.tokens) { pattern, end in
            let start = end - Int(automaton.patternLengths[pattern]) + 1
            for use in patternUses[pattern] {
                if let finding = verify(use, start: start, end: end, in: folded, original: original) {
                    findings.append(finding)
                }
            }
        }
        findTypos(in: folded, original: original, into: &findings)
        return findings
    }

    /// Whether compact position `j` is preceded by the start of its token; returns the token's bounds.
    func tokenBounds(containing j: Int, in text: FoldedText) -> ClosedRange<Int> {
        var first = j
        while first > 0, text.compactFlags[first] & CompactFlags.tokenStart == 0 { first -= 1 }
        var last = j
        while last < text.compact.count - 1, text.compactFlags[last] & CompactFlags.tokenEnd == 0 { last += 1 }
        return first...last
    }

    func verify(_ use: PatternUse, start: Int, end: Int, in text: FoldedText, original: (Range<Int>) -> String) -> TextFinding? {
        let flags = text.compactFlags
        let startAtWord = flags[start] & CompactFlags.tokenStart != 0 || text.compact[start] >= 0x80
        let endAtWord = flags[end] & CompactFlags.tokenEnd != 0 || text.compact[end] >= 0x80
        let context = flags[start] & (CompactFlags.hashtag | CompactFlags.mention)
        // Inside a longer word only in a hashtag or mention (checked again below): most raw hits end here.
        if !(startAtWord && endAtWord) && context == 0 { return nil }
        var unnatural = 0, joined = 0, badGap = false, counterfeitGapMismatch = false, wideSplit = false
        var leet = false
        for j in start...end {
            if flags[j] & CompactFlags.leet != 0 { leet = true }
            guard j < end else { break }
            let textBreak = flags[j] & CompactFlags.tokenEnd != 0
            let termGap = use.breaks[j - start]
            if textBreak {
                let gap = text.folded[Int(text.compactFolded[j]) + 1..<Int(text.compactFolded[j + 1])]
                if gap.contains(10) || gap.count > 4 { badGap = true }
                if let termGap {
                    if termGap != [32], Self.collapse(gap) != termGap { counterfeitGapMismatch = true }
                } else {
                    unnatural += 1
                    if gap.count > 1 { wideSplit = true }
                }
            } else if termGap != nil {
                joined += 1
            }
        }
        if badGap { return nil }
        var partOfTag = false
        if !(startAtWord && endAtWord) {
            // Only a hashtag or mention may hold a term inside a longer word, and only when
            // the rest of it reads as ordinary words (`#cartierlove`, not `#oscartiernan`).
            guard context != 0, unnatural == 0 else { return nil }
            let token = tokenBounds(containing: start, in: text)
            guard token.upperBound >= end else { return nil }
            let before = Array(text.folded[Int(text.compactFolded[token.lowerBound])..<Int(text.compactFolded[start])])
            let after = Array(text.folded[(Int(text.compactFolded[end]) + 1)..<(Int(text.compactFolded[token.upperBound]) + 1)])
            if words.isEmpty {
                guard before.isEmpty || after.isEmpty else { return nil }
            } else {
                // Two-letter words only as the first word of the tag (`#mycartier`); after the term, 3+ letters.
                guard words.isSegmentable(before, shortFirstWord: true), words.isSegmentable(after, shortFirstWord: false) else { return nil }
                // In the middle of a tag, one side must be a real word, not two syllables (`#oscartiernan`).
                if !before.isEmpty && !after.isEmpty && before.count < 4 && after.count < 4 { return nil }
                // A tag that is itself an ordinary word (`#diorama`) is not the brand.
                let whole = Array(text.folded[Int(text.compactFolded[token.lowerBound])...Int(text.compactFolded[token.upperBound])])
                if words.contains(folded: whole) { return nil }
            }
            partOfTag = true
        }
        let length = end - start + 1
        switch use.kind {
        case .counterfeit:
            if unnatural > 0 || joined > 0 || leet || counterfeitGapMismatch { return nil }
        case .brandTerm, .product:
            if unnatural > 0 {
                // Padded (`C.a.r.t.i.e.r`: every piece one character) or split in at most three pieces (`Car tier`).
                var pieceLengths: [Int] = []
                var current = 0
                for j in start...end {
                    current += 1
                    if flags[j] & CompactFlags.tokenEnd != 0 || j == end {
                        pieceLengths.append(current)
                        current = 0
                    }
                }
                let padded = pieceLengths.allSatisfy { $0 == 1 }
                // A word split in two or three by one character (`Car tier`), not across a sentence (`car. Tier`).
                if !padded && (unnatural > 2 || length < 5 || wideSplit) { return nil }
            }
        case .exclude:
            break
        }
        // Which transformations the text needed.
        var transforms: [String] = []
        if context != 0 { transforms.append(context == CompactFlags.hashtag ? "hashtag" : "mention") }
        if unnatural > 0 || joined > 0 { transforms.append("split") }
        if leet { transforms.append("leetspeak") }
        let foldedRange = Int(text.compactFolded[start])...Int(text.compactFolded[end])
        var lookalike = text.foldedKind[foldedRange].contains { $0 & 15 >= FoldKind.compatibility.rawValue }
        if !lookalike && !leet {
            var plain: [UInt8] = []
            for j in start...end { plain.append(text.folded[Int(text.compactFolded[j])]) }
            lookalike = plain != use.plain
        }
        if lookalike { transforms.append("confusable") }
        let rule: String
        switch use.kind {
        case .exclude: rule = "exclude-term"
        default: rule = transforms.first ?? "exact"
        }
        let span = spanOf(foldedRange, in: text)
        var detail = transforms.count > 1 ? transforms.joined(separator: "+") : nil
        if partOfTag { detail = (detail.map { $0 + "; " } ?? "") + "part of a longer tag" }
        return TextFinding(
            brand: use.brand, signal: use.kind.signal, rule: rule, span: [span.lowerBound, span.upperBound],
            matched: original(span), normalized: use.normalized, detail: detail,
            needsContext: use.needsContext, compactRange: start...end)
    }

    /// The part of `text` between two Unicode scalar offsets, found by counting the scalars'
    /// first UTF-8 bytes (cheaper than decoding the text into scalars for the few matches of a text).
    static func substring(of text: String, scalars span: Range<Int>) -> String {
        var text = text
        return text.withUTF8 { utf8 in
            var scalar = 0
            var start = utf8.count, end = utf8.count
            for index in 0..<utf8.count where utf8[index] & 0xC0 != 0x80 {
                if scalar == span.lowerBound { start = index }
                if scalar == span.upperBound { end = index; break }
                scalar += 1
            }
            guard start < end else { return "" }
            return String(decoding: UnsafeBufferPointer(rebasing: utf8[start..<end]), as: UTF8.self)
        }
    }

    /// The original scalars a folded range came from, extended over trailing combining marks.
    func spanOf(_ range: ClosedRange<Int>, in text: FoldedText) -> Range<Int> {
        let first = Int(text.foldedOrigin[range.lowerBound])
        var last = Int(text.foldedOrigin[range.upperBound]) + 1
        // Scalars that fold to nothing (combining accents, joiners) right after the match belong to it.
        while last < text.scalarCount, text.isTransparent(last) { last += 1 }
        return first..<last
    }

    /// The term with one more letter at an edge that is not a doubled letter (`scartier`, `cartierx`):
    /// the term inside a longer word, not a typo of it (`Rolexx` stays a typo).
    static func isEdgeExtension(_ word: UnsafeBufferPointer<UInt8>, of term: [UInt8]) -> Bool {
        let n = word.count
        guard n == term.count + 1, n >= 2 else { return false }
        if word[0] != word[1], word[1...].elementsEqual(term) { return true }
        if word[n - 1] != word[n - 2], word[..<(n - 1)].elementsEqual(term) { return true }
        return false
    }

    func findTypos(in text: FoldedText, original: (Range<Int>) -> String, into findings: inout [TextFinding]) {
        guard !typoIndex.entries.isEmpty else { return }
        let minLength = typoIndex.minLength, maxLength = min(typoIndex.maxLength, TypoIndex.maxWordLength)
        typoMisses.access { misses in
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: TypoIndex.maxWordLength + 1) { prefix in
        text.compact.withUnsafeBufferPointer { compact in
            // Words of letters only (after leetspeak: `C4rtler` is one).
            for token in text.tokens where token & FoldedText.Token.lettersOnly != 0 {
                let j = FoldedText.Token.first(token), k = FoldedText.Token.last(token)
                let length = k - j + 1
                guard length >= minLength, length <= maxLength else { continue }
                let word = UnsafeBufferPointer(rebasing: compact[j...k])
                // A word of up to 8 letters is its own key (its bytes and length in 64 bits), so that a frequent
                // short word is found in the table without hashing; longer words are keyed by their hash.
                let key: UInt64
                let packed = length <= 8 && j + 8 <= compact.count
                if packed {
                    var bytes = UnsafeRawPointer(compact.baseAddress! + j).loadUnaligned(as: UInt64.self)
                    if length < 8 { bytes = bytes & ((1 << UInt64(8 * length)) - 1) | UInt64(length) << 56 }
                    key = bytes
                } else {
                    key = TypoIndex.prefixHashes(word, into: prefix.baseAddress!)
                }
                let long = typoIndex.probesTwoLetterDeletions(length: length)
                if misses.contains(key, long: long) { continue }
                if packed { _ = TypoIndex.prefixHashes(word, into: prefix.baseAddress!) }
                let candidates = typoIndex.candidates(word, prefix: UnsafePointer(prefix.baseAddress!))
                if candidates.isEmpty {
                    misses.insert(key, long: long)
                    continue
                }
                // An ordinary word is never a typo (asked only now: the dictionary is large, its probes miss the caches).
                let foldedRange = Int(text.compactFolded[j])...Int(text.compactFolded[k])
                let foldedWord = text.folded[foldedRange]
                if words.contains(folded: foldedWord) {
                    // Cached by its skeleton only when that is the word itself (`love` reads `iove`, which is no word).
                    if foldedWord.elementsEqual(word) { misses.insert(key, long: long) }
                    continue
                }
                for (entry, distance) in candidates where !Self.isEdgeExtension(word, of: typoIndex.entries[entry].term) {
                    let (pattern, useIndex) = typoUses[typoIndex.entries[entry].payload]
                    let use = patternUses[pattern][useIndex]
                    let span = spanOf(foldedRange, in: text)
                    findings.append(TextFinding(
                        brand: use.brand, signal: use.kind.signal, rule: "typo", span: [span.lowerBound, span.upperBound],
                        matched: original(span), normalized: use.normalized,
                        detail: "edit distance \(distance)", needsContext: use.needsContext, compactRange: j...k))
                }
            }
        }
        }
        }
    }
}
