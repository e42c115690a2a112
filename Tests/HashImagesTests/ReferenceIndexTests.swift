import HashImages
import Testing

/// The multi-index hash index returns exactly what a linear scan returns.
@Suite struct ReferenceIndexTests {
    @Test(arguments: [0, 15, 31, 40])
    func indexEqualsLinearScan(threshold: Int) {
        var generator = seededGenerator(seed: 7)
        var entries: [ReferenceIndex<Int>.Entry] = []
        for i in 0..<20_000 {
            entries.append(.init(hash: PDQHash(w0: generator.next(), w1: generator.next(), w2: generator.next(), w3: generator.next()), payload: i))
        }
        let index = ReferenceIndex(entries)
        // Queries near entries (1...threshold+3 random flips) and random ones.
        for q in 0..<300 {
            var query = entries[Int(generator.next() % 20_000)].hash
            if q % 3 == 0 {
                query = PDQHash(w0: generator.next(), w1: generator.next(), w2: generator.next(), w3: generator.next())
            } else {
                for _ in 0..<Int(generator.next() % UInt64(threshold + 4)) { query.flip(Int(generator.next() % 256)) }
            }
            let fast = index.search(query, threshold: threshold).map { "\($0.entry):\($0.distance)" }.sorted()
            let slow = index.linearSearch(query, threshold: threshold).map { "\($0.entry):\($0.distance)" }.sorted()
            #expect(fast == slow)
        }
    }
}

extension PDQHash {
    mutating func flip(_ k: Int) {
        if bit(k) {
            let mask = ~(UInt64(1) << UInt64(k & 63))
            switch k >> 6 { case 0: w0 &= mask; case 1: w1 &= mask; case 2: w2 &= mask; default: w3 &= mask }
        } else {
            setBit(k)
        }
    }
}
