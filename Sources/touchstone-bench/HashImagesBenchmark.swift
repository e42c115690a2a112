import ArgumentParser
import Foundation
import HashImages

/// `touchstone-bench hash-images`: pictures per second, decode + PDQ, on the
/// same files, against the reference measured in the same run (python3: PIL
/// decode + `pdqhash.compute`, both on one core); then reference-index
/// lookups at 100k references against a linear scan; then the matching cost
/// per picture with and without the part search and its centre templates.
struct HashImagesBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hash-images",
        abstract: "Decode+PDQ throughput vs PIL+pdqhash, and index lookup vs linear scan.")

    @Option(help: "Folder of pictures (default: the test fixtures' photos).")
    var directory = "Tests/HashImagesTests/Fixtures/photos"

    @Option(help: "Passes over the files.")
    var rounds = 5

    @Option(help: "References in the index benchmark.")
    var references = 100_000

    func run() async throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { [".jpg", ".jpeg", ".png", ".webp", ".gif"].contains(where: $0.lowercased().hasSuffix) }.sorted()
        guard !names.isEmpty else { throw ValidationError("no pictures in \(directory)") }
        let files = try names.map { Array(try Data(contentsOf: URL(fileURLWithPath: "\(directory)/\($0)"))) }
        let pixels = try files.reduce(0) { total, bytes in
            let luma = try PictureDecoder().decodeLuma(bytes)
            return total + luma.width * luma.height
        }
        print("hash-images: \(files.count) files, \(pixels / 1000) kpixels per pass, \(rounds) passes")

        // Touchstone: decode (libjpeg/libpng straight to float luma) + PDQ with its eight variants.
        var sink = 0
        let start = ContinuousClock.now
        for _ in 0..<rounds {
            for bytes in files {
                let result = try PictureDecoder().decodeLuma(bytes).pdq()
                sink &+= result.quality
            }
        }
        let ours = Double(files.count * rounds) / seconds(ContinuousClock.now - start)

        // Reference: Pillow + pdqhash in python3, same files, same passes, one core.
        let script = """
        import io, os, sys, time
        import numpy as np, pdqhash
        from PIL import Image
        d, rounds = sys.argv[1], int(sys.argv[2])
        names = sorted(n for n in os.listdir(d) if n.lower().endswith(('.jpg', '.jpeg', '.png', '.webp', '.gif')))
        blobs = [open(os.path.join(d, n), 'rb').read() for n in names]
        t = time.perf_counter()
        for _ in range(rounds):
            for b in blobs:
                rgb = np.asarray(Image.open(io.BytesIO(b)).convert('RGB'))
                pdqhash.compute(rgb)
        print(len(blobs) * rounds / (time.perf_counter() - t))
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, directory, String(rounds)]
        process.environment = ProcessInfo.processInfo.environment.merging(["OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"]) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        if let reference = Double(String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) {
            print(String(format: "  touchstone  %8.1f pictures/s (decode + PDQ + 8 variants)", ours))
            print(String(format: "  reference   %8.1f pictures/s (PIL decode + pdqhash.compute)", reference))
            print(String(format: "  ratio       %8.2fx", ours / reference))
        } else {
            print(String(format: "  touchstone  %8.1f pictures/s; reference failed (pip install pdqhash Pillow numpy)", ours))
        }

        // Index: 100k references, queries near some of them, exact against a linear scan.
        var generator = SystemRandomNumberGenerator()
        var entries: [ReferenceIndex<Int>.Entry] = []
        for i in 0..<references {
            entries.append(.init(hash: PDQHash(w0: generator.next(), w1: generator.next(), w2: generator.next(), w3: generator.next()), payload: i))
        }
        let index = ReferenceIndex(entries)
        var queries: [PDQHash] = []
        for q in 0..<2_000 {
            var hash = entries[Int.random(in: 0..<references, using: &generator)].hash
            if q % 2 == 0 {
                for _ in 0..<Int.random(in: 0...30, using: &generator) {
                    let k = Int.random(in: 0..<256, using: &generator)
                    let flipped = PDQHash(w0: k < 64 ? 1 << UInt64(k) : 0, w1: (64..<128).contains(k) ? 1 << UInt64(k - 64) : 0,
                                          w2: (128..<192).contains(k) ? 1 << UInt64(k - 128) : 0, w3: k >= 192 ? 1 << UInt64(k - 192) : 0)
                    hash = PDQHash(w0: hash.w0 ^ flipped.w0, w1: hash.w1 ^ flipped.w1, w2: hash.w2 ^ flipped.w2, w3: hash.w3 ^ flipped.w3)
                }
            } else {
                hash = PDQHash(w0: generator.next(), w1: generator.next(), w2: generator.next(), w3: generator.next())
            }
            queries.append(hash)
        }
        var fastHits = 0, slowHits = 0
        let fastStart = ContinuousClock.now
        for query in queries { fastHits += index.search(query, threshold: 31).count }
        let fast = seconds(ContinuousClock.now - fastStart)
        let slowStart = ContinuousClock.now
        for query in queries { slowHits += index.linearSearch(query, threshold: 31).count }
        let slow = seconds(ContinuousClock.now - slowStart)
        print("index: \(references) references, \(queries.count) queries at threshold 31, \(fastHits) hits (linear scan: \(slowHits))")
        print(String(format: "  multi-index %8.1f µs/query", fast / Double(queries.count) * 1e6))
        print(String(format: "  linear scan %8.1f µs/query", slow / Double(queries.count) * 1e6))
        print(String(format: "  speed-up    %8.1fx", slow / fast))
        try matchingCost(files: files)
        if sink == -1 { print(sink) }
    }

    /// What matching adds per picture after the decode, the same pictures as references and (edited)
    /// as items: whole-picture lookup alone, with the part search for whole references, and with the
    /// centre templates that find cropped copies, each measured in this run.
    func matchingCost(files: [[UInt8]]) throws {
        let pictures = try files.map { try PictureDecoder().decodeLuma($0) }
        let full = pictures.enumerated().map { HashedReference(brand: "b", reference: "\($0.offset)", picture: $0.element) }
        var withoutCentres = full
        for i in withoutCentres.indices { withoutCentres[i].centreTemplate = nil }
        // Items: each picture cropped by 5% on every side (a copy the part search has work to do on).
        let items = pictures.map { p in
            p.cropped(x: p.width / 20, y: p.height / 20, width: p.width * 9 / 10, height: p.height * 9 / 10)
        }
        func perPicture(_ references: [HashedReference], parts: Bool) -> (ms: Double, found: Int) {
            let set = ReferenceSet(references: references)
            let analyzer = PictureAnalyzer(searchParts: parts)
            var found = 0
            let start = ContinuousClock.now
            for (offset, item) in items.enumerated() where analyzer.match(item, against: set).matches.contains(where: { $0.reference == "\(offset)" }) {
                found += 1
            }
            return (seconds(ContinuousClock.now - start) / Double(items.count) * 1000, found)
        }
        let whole = perPicture(full, parts: false)
        let parts = perPicture(withoutCentres, parts: true)
        let crops = perPicture(full, parts: true)
        print("matching: \(items.count) pictures cropped 5% per side, against the same \(pictures.count) as references")
        print(String(format: "  whole picture only          %8.2f ms/picture, %d found", whole.ms, whole.found))
        print(String(format: "  + part search (whole refs)  %8.2f ms/picture, %d found", parts.ms, parts.found))
        print(String(format: "  + centre templates (crops)  %8.2f ms/picture, %d found (%.2fx the previous line)", crops.ms, crops.found, crops.ms / parts.ms))
    }

    func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
