import ArgumentParser
import Foundation

/// A status line on stderr, so that stdout stays data (NDJSON, tables) for scripts.
func printStatus(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// Parses `2026-11-01` or `2026-11-01T10:00:00Z` into milliseconds since the epoch.
func parseTime(_ text: String) throws -> Int64 {
    let formats: [Date.ISO8601FormatStyle] = [
        .iso8601,
        Date.ISO8601FormatStyle(includingFractionalSeconds: true),
        Date.ISO8601FormatStyle().year().month().day(),
    ]
    for format in formats {
        if let date = try? format.parse(text) {
            return Int64((date.timeIntervalSince1970 * 1000).rounded())
        }
    }
    throw ValidationError("'\(text)' is not a time: use 2026-11-01 or 2026-11-01T10:00:00Z")
}
