import Testing
@testable import CrossLink
import TouchstoneCore

@Suite struct PerceptualIndexTests {

    @Test func hexRoundTrip() throws {
        let hash = try #require(PDQHash(hex: Fixture.officialPhoto))
        #expect(hash.hex == Fixture.officialPhoto)
        #expect(PDQHash(hex: "xyz") == nil)
        #expect(hash.distance(to: PDQHash(hex: Fixture.flip(Fixture.officialPhoto, bits: 31))!) == 31)
    }

    /// Multi-index search finds exactly what a linear scan finds, at several thresholds.
    @Test(arguments: [15, 31, 40])
    func matchesBruteForce(threshold: Int) {
        var random = SplitMix64(seed: UInt64(threshold))
        var index = MultiIndexHashIndex(threshold: threshold)
        var stored: [PDQHash] = []
        let base = (0..<20).map { _ in PDQHash(words: (random.next(), random.next(), random.next(), random.next())) }
        for n in 0..<2000 {
            var words = base[n % base.count].words
            // Near copies of a few bases: flip 0...60 random bits.
            for _ in 0..<Int.random(in: 0...60, using: &random) {
                let bit = Int.random(in: 0..<256, using: &random)
                switch bit / 64 {
                case 0: words.0 ^= 1 << UInt64(bit % 64)
                case 1: words.1 ^= 1 << UInt64(bit % 64)
                case 2: words.2 ^= 1 << UInt64(bit % 64)
                default: words.3 ^= 1 << UInt64(bit % 64)
                }
            }
            let hash = PDQHash(words: words)
            stored.append(hash)
            index.insert(hash, payload: Int64(n))
        }
        for query in base {
            let expected = stored.enumerated().filter { $0.element.distance(to: query) <= threshold }.map { Int64($0.offset) }
            #expect(Set(index.search(query).map(\.payload)) == Set(expected))
        }
        index.remove(payload: 0)
        #expect(!index.search(stored[0]).contains { $0.payload == 0 })
    }
}
