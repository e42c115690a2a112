import Foundation

/// Ordinary words of the languages the matcher knows, for two rules: a word
/// that is itself an ordinary word is never a typo of a brand term (`Carter`
/// is not `Cartier`), and a product name made only of ordinary words (`Tank`)
/// needs brand context. Read at run time from Debian's word lists
/// (`wamerican`, `wfrench`, `wspanish`, and `wngerman`, `witalian`,
/// `wportuguese`, `wbritish` when installed) or from `$TOUCHSTONE_WORDLISTS`
/// (colon-separated files or folders). Words are stored as 64-bit hashes of
/// their folded form.
///
/// The lists hold names too (`Carter`, `Kelly`, `Santos`, `Dumont`,
/// capitalised in the files). A name is never a typo of a brand, and a
/// one-word product name that is a name (`Kelly`) needs brand context like a
/// common word (`Tank`); a product name of several words needs it when it
/// also holds a common (lower-case) word (`Love bracelet`, `Kelly bag`), while
/// names only (`Santos-Dumont`) stand alone.
public final class WordList: Sendable {
    /// The files read.
    public let sources: [String]
    public let wordCount: Int
    /// Every entry, names included.
    private let all: HashedWords
    /// Entries written in lower case in their list: common words, not names.
    private let common: HashedWords

    /// The Debian word-list files looked for under /usr/share/dict.
    public static let debianFiles = [
        "american-english", "british-english", "french", "spanish", "ngerman", "italian", "portuguese", "brazilian",
    ]

    /// The lists of this machine, loaded once per process.
    public static let system: WordList = {
        if let paths = ProcessInfo.processInfo.environment["TOUCHSTONE_WORDLISTS"], !paths.isEmpty {
            return WordList(paths: paths.split(separator: ":").map(String.init))
        }
        return WordList(paths: debianFiles.map { "/usr/share/dict/\($0)" })
    }()

    /// An empty list: no typo is blocked as an ordinary word, every product name stands alone.
    public static let empty = WordList(words: [])

    public var isEmpty: Bool { wordCount == 0 }

    /// What to tell the user when no list was found.
    public var missingWarning: String? {
        guard isEmpty else { return nil }
        return "warning: no word lists found (looked in /usr/share/dict for \(Self.debianFiles.joined(separator: ", ")), or $TOUCHSTONE_WORDLISTS); "
            + "typo matching cannot tell ordinary words from misspelt brands. Install Debian's wamerican wfrench wspanish."
    }

    public convenience init(paths: [String]) {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
                files += names.sorted().map { (path as NSString).appendingPathComponent($0) }
            } else {
                files.append(path)
            }
        }
        var words: [[UInt8]] = []
        var commonWords: [[UInt8]] = []
        var read: [String] = []
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            read.append(file)
            // Debian's lists are UTF-8 (older ones Latin-1); fall back so accents survive.
            let text = String(data: data, encoding: .utf8) ?? String(data: data, encoding: .isoLatin1) ?? ""
            for line in text.split(whereSeparator: \.isNewline) {
                let folded = Array(FoldTable.shared.fold(String(line)).utf8)
                if !folded.isEmpty, folded.allSatisfy({ $0 >= 0x80 || asciiClass[Int($0)] == .letter }) {
                    words.append(folded)
                    if line.first?.isUppercase == false { commonWords.append(folded) }
                }
            }
        }
        self.init(words: words, commonWords: commonWords, sources: read)
    }

    /// `commonWords` defaults to `words` (every entry a common word).
    init(words: [[UInt8]], commonWords: [[UInt8]]? = nil, sources: [String] = []) {
        self.all = HashedWords(words)
        self.common = commonWords.map(HashedWords.init) ?? all
        self.wordCount = all.count
        self.sources = sources
    }

    static func key<C: Collection>(_ bytes: C) -> UInt64 where C.Element == UInt8 {
        var h: UInt64 = 0xcbf29ce484222325
        for byte in bytes { h = (h ^ UInt64(byte)) &* 0x100000001b3 }
        return h == 0 ? 1 : h
    }

    /// Whether these folded bytes are an ordinary word or name.
    func contains<C: Collection>(folded bytes: C) -> Bool where C.Element == UInt8 {
        all.contains(Self.key(bytes))
    }

    /// Whether these folded bytes are a common word (lower case in its list), not only a name.
    func containsCommon<C: Collection>(folded bytes: C) -> Bool where C.Element == UInt8 {
        common.contains(Self.key(bytes))
    }

    /// Whether a word (any spelling) is an ordinary word.
    public func contains(_ word: String) -> Bool {
        contains(folded: Array(FoldTable.shared.fold(word).utf8))
    }

    /// Whether folded text splits into ordinary words of 3+ letters (2+ for the first, when allowed) or numbers (`love`, `mybracelet`, `2024`).
    func isSegmentable(_ bytes: [UInt8], shortFirstWord: Bool) -> Bool {
        let n = bytes.count
        if n == 0 { return true }
        if n > 40 { return false }
        var reachable = [Bool](repeating: false, count: n + 1)
        reachable[0] = true
        for end in 1...n {
            for start in 0..<end where reachable[start] {
                let piece = bytes[start..<end]
                let minimum = start == 0 && shortFirstWord ? 2 : 3
                if piece.allSatisfy({ asciiClass[Int($0)] == .digit }) || (piece.count >= minimum && contains(folded: piece)) {
                    reachable[end] = true
                    break
                }
            }
        }
        return reachable[n]
    }
}

/// An open-addressing set of 64-bit word hashes.
private struct HashedWords: Sendable {
    let slots: [UInt64]
    let mask: Int
    let count: Int

    init(_ words: [[UInt8]]) {
        var size = 1024
        while size < words.count * 2 { size <<= 1 }
        var slots = [UInt64](repeating: 0, count: size)
        let mask = size - 1
        var stored = 0
        for word in words {
            let key = WordList.key(word)
            var slot = Int(truncatingIfNeeded: TypoIndex.mix(key)) & mask
            while slots[slot] != 0 && slots[slot] != key { slot = (slot + 1) & mask }
            if slots[slot] == 0 { stored += 1 }
            slots[slot] = key
        }
        self.slots = slots
        self.mask = mask
        self.count = stored
    }

    func contains(_ key: UInt64) -> Bool {
        var slot = Int(truncatingIfNeeded: TypoIndex.mix(key)) & mask
        while slots[slot] != 0 {
            if slots[slot] == key { return true }
            slot = (slot + 1) & mask
        }
        return false
    }
}
