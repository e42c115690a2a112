import TouchstoneCore

/// One line of `touchstone export findings`, with the keys in the order
/// PRODUCT.md shows them and `url`/`cluster_id` written as `null` when absent,
/// so every line has the same shape.
public enum ExportLine {
    public static func json(_ finding: ExportedFinding) -> String {
        var out = "{"
        out += "\"brand\":" + string(finding.brand)
        out += ",\"platform\":" + string(finding.platform)
        out += ",\"item_id\":" + string(finding.itemID)
        out += ",\"kind\":" + string(finding.kind.rawValue)
        out += ",\"url\":" + (finding.url.map(string) ?? "null")
        out += ",\"severity\":" + string(finding.severity.rawValue)
        out += ",\"score\":" + number(finding.score)
        out += ",\"reasons\":[" + finding.reasons.map {
            "{\"signal\":" + string($0.signal.rawValue) + ",\"detail\":" + string($0.detail) + "}"
        }.joined(separator: ",") + "]"
        out += ",\"cluster_id\":" + (finding.clusterID.map(string) ?? "null")
        out += ",\"linked\":[" + finding.linked.map {
            "{\"platform\":" + string($0.platform) + ",\"item_id\":" + string($0.itemID) + "}"
        }.joined(separator: ",") + "]"
        return out + "}"
    }

    /// Scores are rounded to 4 decimals: enough to rank, stable to compare.
    public static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let rounded = (value * 10_000).rounded() / 10_000
        if rounded == rounded.rounded(), abs(rounded) < 1e15 { return String(Int64(rounded)) }
        return "\(rounded)"
    }

    /// A JSON string literal.
    public static func string(_ text: String) -> String { JSONText.quoted(text) }
}
