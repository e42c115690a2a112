/// The topics of PRODUCT.md. Subscribers rely on these names: never rename one.
public enum TopicName {
    public static let rawPosts = "raw.posts"
    public static let rawListings = "raw.listings"
    public static let items = "items"
    public static let itemsHashed = "items.hashed"
    public static let itemsMatched = "items.matched"
    public static let findings = "findings"
    public static let alerts = "alerts"
    public static let decisions = "decisions"
    public static let deadLetters = "dead-letters"

    /// Every contract topic, in pipeline order.
    public static let all: [String] = [
        rawPosts, rawListings, items, itemsHashed, itemsMatched, findings, alerts, decisions, deadLetters,
    ]
}

/// Headers carried by messages on the raw topics. The value of a raw message
/// is the exact bytes of the input line; these headers say where it came from.
public enum RawHeader {
    /// Platform name (`instagram`, `amazon`, ..., `generic`).
    public static let platform = "touchstone-platform"
    /// Hex SHA-256 of the message value (the untouched line).
    public static let sha256 = "touchstone-sha256"
    /// The file path or `http:<remote address>` the line came from.
    public static let source = "touchstone-source"
    /// 1-based line number inside the source.
    public static let line = "touchstone-line"
    /// Capture time, ISO 8601 UTC with milliseconds.
    public static let capturedAt = "touchstone-captured-at"
    /// Extra ingest context, e.g. a Shopify shop domain from `--source`.
    public static let context = "touchstone-context"
}
