import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs the built `touchstone` binary as separate processes, for the
/// multi-process tests of the embedded log. Output goes to files, so what a
/// process printed before `kill -9` can still be read.
struct TouchstoneProcess {
    let process: Process
    let stdoutURL: URL
    let stderrURL: URL

    /// `touchstone` next to the test bundle (.build/debug), or $TOUCHSTONE_BINARY.
    static func binary() throws -> URL {
        if let path = ProcessInfo.processInfo.environment["TOUCHSTONE_BINARY"] {
            return URL(fileURLWithPath: path)
        }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("touchstone")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        throw ProcessFailure("no touchstone binary next to \(CommandLine.arguments[0]); build it with `swift build --product touchstone` or set TOUCHSTONE_BINARY")
    }

    /// Starts `touchstone ARGS`; `stdin` is a file to read from (else /dev/null).
    static func start(_ arguments: [String], in directory: URL, name: String, stdin: URL? = nil) throws -> TouchstoneProcess {
        let process = Process()
        process.executableURL = try binary()
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let stdoutURL = directory.appendingPathComponent("\(name).out")
        let stderrURL = directory.appendingPathComponent("\(name).err")
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        process.standardInput = try stdin.map { try FileHandle(forReadingFrom: $0) } ?? FileHandle.nullDevice
        try process.run()
        return TouchstoneProcess(process: process, stdoutURL: stdoutURL, stderrURL: stderrURL)
    }

    /// Runs to completion (at most `timeout`) and returns the exit status.
    static func run(_ arguments: [String], in directory: URL, name: String, stdin: URL? = nil, timeout: Duration = .seconds(60)) async throws -> (status: Int32, stdout: String, stderr: String) {
        let child = try start(arguments, in: directory, name: name, stdin: stdin)
        let status = try await child.wait(timeout: timeout)
        return (status, child.stdout, child.stderr)
    }

    var stdout: String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

    /// Whole lines printed so far (a line still being written is left out).
    var lines: [String] {
        let text = stdout
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        if !text.hasSuffix("\n"), !lines.isEmpty { lines.removeLast() }
        return lines
    }

    func wait(timeout: Duration) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else {
                kill9()
                throw ProcessFailure("touchstone \(process.arguments ?? []) did not finish within \(timeout); stderr: \(stderr)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return process.terminationStatus
    }

    func kill9() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// Waits until `condition` holds, checking every 20 ms.
    static func waitUntil(_ what: String, timeout: Duration = .seconds(30), _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while try await !condition() {
            guard ContinuousClock.now < deadline else { throw ProcessFailure("timed out after \(timeout) waiting until \(what)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

struct ProcessFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
