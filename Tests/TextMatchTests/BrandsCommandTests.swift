import Foundation
import Testing

/// `touchstone brands check|test` run as the real executable (built next to the test bundle).
@Suite("brands command")
struct BrandsCommandTests {
    static var executable: URL? {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<3 {
            let candidate = directory.appendingPathComponent("touchstone")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        let fallback = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/touchstone")
        return FileManager.default.isExecutableFile(atPath: fallback.path) ? fallback : nil
    }

    func run(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
        let executable = try #require(Self.executable, "the touchstone executable was not built next to the tests")
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        // Run from an unrelated folder: the binary must not need the source tree.
        process.currentDirectoryURL = FileManager.default.temporaryDirectory
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }

    @Test func testJSONHasTheShapeOfCLIMD() throws {
        let folder = try Fixtures.brandsFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try run(["brands", "test", "--brands", folder.path, "--json", "--text", "Brand new 😍 Саrtiеr bracelet"])
        #expect(result.status == 0, "\(result.err)")
        let lines = result.out.split(separator: "\n")
        #expect(lines.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        let signals = try #require(object["signals"] as? [[String: Any]])
        let first = try #require(signals.first)
        #expect(first["brand"] as? String == "cartier")
        #expect(first["signal"] as? String == "brand-term")
        #expect(first["rule"] as? String == "confusable")
        #expect(first["span"] as? [Int] == [12, 19])
        #expect(first["matched"] as? String == "Саrtiеr")
    }

    @Test func testReadsCanonicalItemFiles() throws {
        let folder = try Fixtures.brandsFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("items.ndjson")
        try """
        {"schema":1,"platform":"amazon","item_id":"B0C1","kind":"listing","title":"Cartier Love bracelet replica","price":{"amount":"39.99","currency":"USD"},"pictures":[],"links":[],"hashtags":[],"mentions":[],"contacts":[]}
        {"schema":1,"platform":"etsy","item_id":"42","kind":"listing","title":"Handmade bowl","pictures":[],"links":[],"hashtags":[],"mentions":[],"contacts":[]}
        """.write(to: file, atomically: true, encoding: .utf8)
        let result = try run(["brands", "test", "--brands", folder.path, "--json", file.path])
        #expect(result.status == 0, "\(result.err)")
        let objects = try result.out.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(objects.count == 2)
        let first = objects[0]["signals"] as? [[String: Any]] ?? []
        let names = Set(first.compactMap { $0["signal"] as? String })
        #expect(names.isSuperset(of: ["brand-term", "product", "counterfeit-term", "price-under-floor"]))
        #expect((objects[1]["signals"] as? [Any])?.isEmpty == true)
    }

    @Test func checkReportsFileLineField() throws {
        let folder = try Fixtures.brandsFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let ok = try run(["brands", "check", "--brands", folder.path])
        #expect(ok.status == 0, "\(ok.err)")
        #expect(ok.out.contains("10 profile(s)"))
        try "id: acme\nname: Acme\nterms: [Acme]\nretail:\n  floor: {amount: 10, currency: dollars}\n"
            .write(to: folder.appendingPathComponent("acme.yaml"), atomically: true, encoding: .utf8)
        let bad = try run(["brands", "check", "--brands", folder.path])
        #expect(bad.status == 1)
        #expect(bad.err.contains("acme.yaml:5: retail.floor.currency: must be an ISO 4217 code"))
    }
}
