import ArgumentParser
import BrandProfiles
import Foundation
import TextMatch
import TouchstoneCore

/// `touchstone-bench text-match`: MB/s of post and listing text scanned by the
/// matcher with 50 brands × 20 terms and 200 counterfeit terms, against a
/// same-run baseline (a naive per-term scan of the lower-cased text, which does
/// far less: no folding, no boundaries, no typos), and the slowdown when the
/// number of terms grows 10x.
struct TextMatchBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "text-match",
        abstract: "Text matching throughput (MB/s per core) and its scaling with the number of terms.")

    @Option(help: "Megabytes of text to scan per measurement.")
    var megabytes: Int = 32

    @Option(help: "Brands in the base configuration (each with 20 terms).")
    var brands: Int = 50

    @Flag(help: "Skip the baseline (for profiling the matcher alone).")
    var skipBaseline = false

    func run() throws {
        var random = SplitMix64(seed: 42)
        let corpus = makeCorpus(bytes: megabytes << 20, random: &random)
        let totalBytes = corpus.reduce(0) { $0 + $1.utf8.count }
        print("corpus: \(corpus.count) posts and listings, \(String(format: "%.1f", Double(totalBytes) / 1_048_576)) MB")
        print("word lists: \(WordList.system.sources.isEmpty ? "none" : WordList.system.sources.joined(separator: ", ")); corpus long tail: \(Self.rareWords.count) dictionary words")

        let base = makeProfiles(brands: brands, counterfeitTerms: 200, random: &random)
        let large = makeProfiles(brands: brands * 10, counterfeitTerms: 2000, random: &random)
        let baseMatcher = TextMatcher(profiles: base.profiles, builtinCounterfeitTerms: base.counterfeit)
        let largeMatcher = TextMatcher(profiles: large.profiles, builtinCounterfeitTerms: large.counterfeit)
        print("terms: base \(base.termCount) (\(brands) brands × 20 + \(base.counterfeit.count) counterfeit), 10x \(large.termCount)")

        // Warm up (word lists, fold table).
        _ = baseMatcher.findings(in: corpus[0])

        let (baseSeconds, baseHits) = time { corpus.reduce(0) { $0 + baseMatcher.findings(in: $1).count } }
        let (largeSeconds, largeHits) = time { corpus.reduce(0) { $0 + largeMatcher.findings(in: $1).count } }
        let mb = Double(totalBytes) / 1_048_576
        let baseRate = mb / baseSeconds
        let largeRate = mb / largeSeconds
        print(String(format: "matcher, %d terms:   %8.1f MB/s per core (CPU time)  (%d findings)", base.termCount, baseRate, baseHits))
        print(String(format: "matcher, %d terms:  %8.1f MB/s per core (CPU time)  (%d findings)", large.termCount, largeRate, largeHits))
        print(String(format: "slowdown at 10x terms: %.2fx (goal ≤ 1.5x)", largeSeconds / baseSeconds))
        // Untimed: a digest of every finding (brand, signal, rule, span, matched, normalized, detail),
        // so that a faster matcher can be shown to find exactly what the previous one found.
        print("findings digest: base \(Self.digest(corpus, baseMatcher)), 10x \(Self.digest(corpus, largeMatcher))")

        // Where the time goes: the same matching without the typo rule.
        let noTypos = TextMatcher(profiles: base.profiles, builtinCounterfeitTerms: base.counterfeit, matchTypos: false)
        let (noTypoSeconds, noTypoHits) = time { corpus.reduce(0) { $0 + noTypos.findings(in: $1).count } }
        print(String(format: "matcher without the typo rule, %d terms: %8.1f MB/s per core  (%d findings)", base.termCount, mb / noTypoSeconds, noTypoHits))
        if skipBaseline { return }
        // Baseline: a naive per-term scan, measured on a slice so that it ends in reasonable time.
        let slice = Array(corpus.prefix(max(1, corpus.count / 16)))
        let sliceMB = Double(slice.reduce(0) { $0 + $1.utf8.count }) / 1_048_576
        let naiveBase = NaiveScanner(terms: base.allTerms)
        let naiveLarge = NaiveScanner(terms: large.allTerms)
        let (naiveSeconds, naiveHits) = time { slice.reduce(0) { $0 + naiveBase.count(in: $1) } }
        let (naiveLargeSeconds, naiveLargeHits) = time { slice.reduce(0) { $0 + naiveLarge.count(in: $1) } }
        let naiveRate = sliceMB / naiveSeconds
        print(String(format: "baseline naive per-term scan, %d terms:  %8.2f MB/s  (%d raw hits)", base.termCount, naiveRate, naiveHits))
        print(String(format: "baseline naive per-term scan, %d terms: %8.2f MB/s  (slowdown %.2fx, %d raw hits)", large.termCount, sliceMB / naiveLargeSeconds, naiveLargeSeconds / naiveSeconds, naiveLargeHits))
        print(String(format: "ratio matcher / baseline: %.1fx", baseRate / naiveRate))
    }

    static func digest(_ corpus: [String], _ matcher: TextMatcher) -> String {
        var hash: UInt64 = 0xcbf29ce484222325
        for text in corpus {
            for finding in matcher.findings(in: text) {
                let line = "\(finding.brand ?? -1)|\(finding.signal.rawValue)|\(finding.rule)|\(finding.span)|\(finding.matched)|\(finding.normalized)|\(finding.detail ?? "")\n"
                for byte in line.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100000001b3 }
            }
        }
        return String(hash, radix: 16)
    }

    /// CPU time of this thread: the machine is shared, so wall time would measure the neighbours.
    /// Wall time is printed next to it.
    func time<T>(_ body: () -> T) -> (Double, T) {
        func cpu() -> Double {
            var spec = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
            return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
        }
        let wallStart = ContinuousClock.now
        let start = cpu()
        let value = body()
        let seconds = cpu() - start
        let wall = ContinuousClock.now - wallStart
        print(String(format: "    (cpu %.3f s, wall %.3f s)", seconds, Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18))
        return (seconds, value)
    }

    struct Generated {
        var profiles: [BrandProfile]
        var counterfeit: [String]
        var termCount: Int { profiles.reduce(0) { $0 + $1.terms.count + $1.products.count } + counterfeit.count }
        var allTerms: [String] { profiles.flatMap { $0.terms + $0.products } + counterfeit }
    }

    /// Brands with invented but pronounceable names: 4 brand terms and 16 product names each.
    func makeProfiles(brands: Int, counterfeitTerms: Int, random: inout SplitMix64) -> Generated {
        var profiles: [BrandProfile] = []
        for index in 0..<brands {
            let name = word(random: &random, syllables: 2 + Int(random.next() % 2))
            let terms = [name, name + " " + word(random: &random, syllables: 2), name + word(random: &random, syllables: 1),
                         word(random: &random, syllables: 3)]
            let products = (0..<16).map { _ in
                random.next() % 3 == 0 ? word(random: &random, syllables: 3) + " " + word(random: &random, syllables: 2)
                    : word(random: &random, syllables: 3 + Int(random.next() % 2))
            }
            profiles.append(BrandProfile(id: "brand-\(index)", name: name, terms: terms, products: products, version: "bench"))
        }
        var counterfeit = CounterfeitTerms.all
        while counterfeit.count < counterfeitTerms {
            counterfeit.append(word(random: &random, syllables: 2) + " " + word(random: &random, syllables: 2))
        }
        return Generated(profiles: profiles, counterfeit: Array(counterfeit.prefix(counterfeitTerms)))
    }

    static let syllables = ["ka", "ro", "ve", "li", "mon", "tar", "sel", "qui", "dor", "ban", "zel", "fio", "gra", "lux", "pen",
                            "vor", "ist", "mar", "rel", "tis", "bri", "cal", "dun", "ezo", "fal", "gon", "hel", "jor", "kel", "nor"]

    func word(random: inout SplitMix64, syllables count: Int) -> String {
        var text = ""
        for _ in 0..<count { text += Self.syllables[Int(random.next() % UInt64(Self.syllables.count))] }
        return text.prefix(1).uppercased() + text.dropFirst()
    }

    static let vocabulary = """
    the a and to of in for with on this is it my your new brand authentic original size color black white gold silver \
    rose steel leather bag watch bracelet ring necklace shoes sneakers free shipping fast delivery price only today sale \
    discount best quality like follow dm me for more info link in bio shop now limited stock available worldwide \
    condition excellent used once box papers included gift for her him love beautiful stunning classic vintage style \
    women men unisex cm mm inch genuine stainless waterproof adjustable elegant fashion luxury designer summer winter \
    collection outfit ootd today happy weekend vibes morning coffee friends travel beach city night lights photo \
    just got my first finally arrived so happy with it highly recommend seller thanks great communication
    """.split(separator: " ").map(String.init)

    /// A long tail of rarer words (names, places, jargon), so that caches cannot hold the whole vocabulary.
    static let rareWords: [String] = {
        guard let text = try? String(contentsOfFile: "/usr/share/dict/american-english", encoding: .utf8) else { return [] }
        return text.split(separator: "\n").filter { $0.count >= 3 && $0.allSatisfy(\.isLetter) }.map(String.init)
    }()

    /// Posts and listings: frequent words of post and listing text (75%), a long tail of dictionary
    /// words (22%), and brand-like spellings, prices, emoji, links and CJK (3%).
    func makeCorpus(bytes: Int, random: inout SplitMix64) -> [String] {
        let rare = Self.rareWords
        var posts: [String] = []
        var total = 0
        let specials = ["Cart1er", "C.a.r.t.i.e.r", "#cartierlove", "Саrtiеr", "1:1", "AAA quality", "replica", "Ｌｏｖｅ",
                        "café", "naïve", "🔥🔥", "💍", "€49,99", "$35", "@shop_official", "https://example.com/p/123", "高仿", "Größe"]
        while total < bytes {
            var words: [String] = []
            let length = 20 + Int(random.next() % 80)
            for _ in 0..<length {
                let roll = random.next() % 100
                if roll < 3 {
                    words.append(specials[Int(random.next() % UInt64(specials.count))])
                } else if roll < 25, !rare.isEmpty {
                    words.append(rare[Int(random.next() % UInt64(rare.count))])
                } else {
                    words.append(Self.vocabulary[Int(random.next() % UInt64(Self.vocabulary.count))])
                }
            }
            let post = words.joined(separator: " ")
            total += post.utf8.count
            posts.append(post)
        }
        return posts
    }
}

/// The baseline: for every term, a naive search of its lower-cased bytes in the lower-cased text.
struct NaiveScanner {
    let terms: [[UInt8]]

    init(terms: [String]) {
        self.terms = terms.map { Array($0.lowercased().utf8) }
    }

    func count(in text: String) -> Int {
        let bytes = Array(text.lowercased().utf8)
        var hits = 0
        bytes.withUnsafeBufferPointer { haystack in
            for term in terms {
                term.withUnsafeBufferPointer { needle in
                    let n = haystack.count, m = needle.count
                    guard m > 0, m <= n else { return }
                    let first = needle[0]
                    var i = 0
                    while i <= n - m {
                        if haystack[i] == first {
                            var k = 1
                            while k < m && haystack[i + k] == needle[k] { k += 1 }
                            if k == m { hits += 1 }
                        }
                        i += 1
                    }
                }
            }
        }
        return hits
    }
}

