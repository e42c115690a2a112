import Foundation
import TouchstoneCore

/// A plain-text account of what the view holds, for `touchstone demo` and
/// the end of `touchstone run --until-idle`: items seen, findings by severity,
/// the cross-platform clusters with their evidence, where the view is.
public enum ViewReport {
    public static func render(_ reader: ViewReader, maxClusters: Int = 8, webPort: Int = 8080) throws -> String {
        let stats = try reader.stats()
        var out = ""
        out += "Items seen: \(stats.items)\n"
        let counts = Severity.allCases.reversed().filter { $0 != .none }.map { "\($0.rawValue) \(stats.findingsBySeverity[$0.rawValue] ?? 0)" }
        out += "Findings:   " + counts.joined(separator: " · ") + "\n"
        out += "Clusters across platforms: \(stats.crossPlatformClusters) · alerts: \(stats.alerts)"
        out += stats.rejectedMessages > 0 ? " · unreadable messages: \(stats.rejectedMessages)\n" : "\n"
        let clusters = try reader.clusters(minSeverity: .low, crossPlatformOnly: true, limit: maxClusters)
        for cluster in clusters {
            guard let detail = try reader.cluster(cluster.clusterID) else { continue }
            out += "\n[\(cluster.maxSeverity.rawValue)] cluster \(cluster.clusterID): \(cluster.platforms.joined(separator: " + ")) (\(cluster.itemCount) items)\n"
            for member in detail.members {
                let title = member.title.map { " \"\(String($0.prefix(60)))\"" } ?? ""
                let account = member.account.map { " @\($0)" } ?? ""
                out += "  \(member.severity.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(member.platform) \(member.itemID)\(account)\(title)\n"
            }
            for edge in detail.edges.prefix(6) {
                out += "    \(edge.signal.rawValue): \(edge.from) → \(edge.to) (\(edge.detail))\n"
            }
        }
        out += "\nThe SQLite view: \(reader.path.path) (open it read-only with `sqlite3 -readonly \(reader.path.path)`)\n"
        out += "Web UI: `touchstone serve --port \(webPort)` then http://127.0.0.1:\(webPort)/ · export: `touchstone export findings`\n"
        return out
    }
}
