import ArgumentParser
import Foundation
import Materializer
import TouchstoneCore
import Web

/// `touchstone findings [--brand --platform --severity --since --cluster]` (CLI.md): a readable table.
struct FindingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "findings",
        abstract: "Show the findings as a table, most severe first.",
        discussion: "Reads the SQLite view under --data. For machine-readable output use `touchstone export findings`."
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "Only this brand (profile id).")
    var brand: String?

    @Option(name: .long, help: "Only this platform (instagram, amazon, ...).")
    var platform: String?

    @Option(name: .long, help: "This severity and above: low, medium, high, critical.")
    var severity: String?

    @Option(name: .long, help: "Judged since a date (2026-11-20, 2026-11-20T10:00:00Z) or an age (30m, 24h, 7d).")
    var since: String?

    @Option(name: .long, help: "Only the items of this cluster.")
    var cluster: String?

    @Flag(name: .long, help: "Also verdicts of severity none and dismissed findings.")
    var all = false

    @Option(name: .long, help: "At most this many rows (default 200; 0 for all).")
    var limit = 200

    func validate() throws {
        if let severity, Severity(rawValue: severity.lowercased()) == nil {
            throw ValidationError("--severity must be one of \(Severity.allCases.map(\.rawValue).joined(separator: ", ")), got '\(severity)'")
        }
        if let since, TimeFilter.parse(since) == nil {
            throw ValidationError("--since must be a date (2026-11-20, 2026-11-20T10:00:00Z) or an age (30m, 24h, 7d), got '\(since)'")
        }
        if limit < 0 { throw ValidationError("--limit must be 0 or more") }
    }

    func run() async throws {
        let reader = try openView(global)
        var filter = FindingFilter(
            brand: brand, platform: platform, minSeverity: severity.flatMap { Severity(rawValue: $0.lowercased()) },
            since: since.flatMap { TimeFilter.parse($0) }.map(Timestamp.milliseconds), cluster: cluster,
            includeClean: all, includeDismissed: true)
        filter.limit = limit == 0 ? Int.max : limit
        let findings = try reader.findings(filter)
        print(FindingsTable.render(findings), terminator: "")
        let stats = try reader.stats()
        let shown = findings.count
        let total = Severity.allCases.filter { $0 != .none }.reduce(0) { $0 + (stats.findingsBySeverity[$1.rawValue] ?? 0) }
        print("\(shown) shown · \(total) findings in the view · \(stats.items) items · \(stats.crossPlatformClusters) cross-platform clusters")
    }
}

/// The table layout, apart from I/O so it can be tested.
enum FindingsTable {
    static func render(_ findings: [FindingSummary], width: Int = 140) -> String {
        guard !findings.isEmpty else { return "No findings match.\n" }
        let header = ["SEVERITY", "SCORE", "BRAND", "PLATFORM", "ITEM", "CLUSTER", "DECISION", "WHY"]
        var rows = [header]
        for finding in findings {
            let why = finding.reasons.first.map { "\($0.signal.rawValue): \($0.detail)" } ?? ""
            let more = finding.reasons.count > 1 ? " (+\(finding.reasons.count - 1))" : ""
            let cluster = finding.clusterID.map { "\(String($0.prefix(10))) (\(finding.linked.count + 1))" } ?? "-"
            rows.append([
                finding.severity.rawValue, String(format: "%.2f", finding.score), finding.brand, finding.platform,
                finding.itemID, cluster, finding.decision ?? "-", why + more,
            ])
        }
        var widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        // The last column takes what is left of the line, and is cut short.
        let fixed = widths.dropLast().reduce(0, +) + 2 * (widths.count - 1)
        widths[widths.count - 1] = max(20, min(widths[widths.count - 1], width - fixed))
        var out = ""
        for row in rows {
            var line = ""
            for (column, cell) in row.enumerated() {
                let cut = cell.count > widths[column] ? String(cell.prefix(widths[column] - 1)) + "…" : cell
                line += column == row.count - 1 ? cut : cut.padding(toLength: widths[column] + 2, withPad: " ", startingAt: 0)
            }
            out += line + "\n"
        }
        return out
    }
}
