import ArgumentParser
import Foundation
import Materializer
import TouchstoneCore

/// `touchstone export findings [--all] [--brand B]` (CLI.md, PRODUCT.md).
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export data from the findings view.",
        subcommands: [ExportFindingsCommand.self]
    )
}

struct ExportFindingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "findings",
        abstract: "Write every finding as one JSON object per line (NDJSON).",
        discussion: """
            Each line: {"brand","platform","item_id","kind","url","severity","score","reasons","cluster_id","linked"}.
            item_id is always a string. Items judged clean, and findings a person dismissed, are left out unless --all is given.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Flag(name: .long, help: "Also items judged clean (severity none) and dismissed findings.")
    var all = false

    @Option(name: .long, help: "Only this brand (profile id).")
    var brand: String?

    func run() async throws {
        let reader = try openView(global)
        let filter = FindingFilter(brand: brand, includeClean: all, includeDismissed: all)
        var out = BufferedOutput()
        var count = 0
        try reader.exportFindings(filter) { finding in
            out.write(ExportLine.json(finding))
            out.write("\n")
            count += 1
        }
        out.flush()
        if isatty(STDERR_FILENO) == 1 {
            FileHandle.standardError.write(Data("exported \(count) finding\(count == 1 ? "" : "s") from \(reader.path.path)\n".utf8))
        }
    }
}

/// Opens the view of `--data` read-only, or fails (exit 1) saying what to do.
func openView(_ global: GlobalOptions) throws -> ViewReader {
    try ViewReader(path: MaterializedView.path(dataDirectory: global.dataDirectory))
}

/// Stdout with a buffer: export writes many small lines.
struct BufferedOutput {
    private var buffer: [UInt8] = []

    init() { buffer.reserveCapacity(1 << 16) }

    mutating func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    mutating func flush() {
        guard !buffer.isEmpty else { return }
        FileHandle.standardOutput.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }
}
