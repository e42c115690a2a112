import Foundation
import Materializer
import Testing
import TouchstoneCore

/// PRODUCT.md: the view is a plain SQLite file that `sqlite3` opens read-only
/// while the pipeline writes it. Checked with the real `sqlite3` binary.
@Suite struct MaterializerSQLiteReadOnlyTests {
    typealias F = MaterializerFixtures

    static let sqlite3 = ["/usr/bin/sqlite3", "/usr/local/bin/sqlite3"].first { FileManager.default.isExecutableFile(atPath: $0) }

    static func query(_ path: URL, _ sql: String) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: sqlite3!)
        process.arguments = ["-readonly", "-bail", path.path, sql]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: error, as: UTF8.self))
    }

    @Test(.enabled(if: sqlite3 != nil, "needs the sqlite3 binary (Debian package sqlite3)"))
    func sqlite3ReadsWhileTheMaterializerWrites() async throws {
        let path = F.temporaryDirectory().appendingPathComponent("view.sqlite")
        let view = try MaterializedView(writingAt: path)
        let messages = F.stream(count: 3000, seed: 5).enumerated().map { F.findingsMessage($1, offset: Int64($0)) }
        let writer = Task {
            for start in stride(from: 0, to: messages.count, by: 50) {
                try await view.apply(Array(messages[start..<min(messages.count, start + 50)]))
                try await Task.sleep(for: .milliseconds(3))
            }
        }
        var offsetsSeen: [Int] = []
        var reads = 0
        while !writer.isCancelled, reads < 200 {
            let result = try Self.query(path, "PRAGMA journal_mode; SELECT coalesce(sum(next_offset), 0) FROM consumer_offsets; SELECT count(*) FROM findings f JOIN items i ON i.key = f.key;")
            #expect(result.status == 0, "sqlite3 failed: \(result.err)")
            #expect(result.err.isEmpty)
            let lines = result.out.split(separator: "\n").map(String.init)
            #expect(lines.first == "wal")
            if lines.count > 1, let offset = Int(lines[1]) { offsetsSeen.append(offset) }
            reads += 1
            if offsetsSeen.last == messages.count { break }
        }
        try await writer.value
        #expect(reads >= 3, "sqlite3 read while the writer was running")
        #expect(offsetsSeen == offsetsSeen.sorted(), "each read sees a whole committed batch, never going back")
        #expect(offsetsSeen.allSatisfy { $0 % 50 == 0 || $0 == messages.count }, "never half a batch")
        // A read-only sqlite3 cannot write.
        let write = try Self.query(path, "DELETE FROM findings;")
        #expect(write.status != 0)
        #expect(write.err.contains("readonly"))
    }
}
