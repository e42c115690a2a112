import GRDB

/// The tables of the SQLite view. Everything in it is derived from the
/// `findings`, `alerts` and `decisions` topics, and every value comes from a
/// message (never the wall clock or an autoincrement), so a view rebuilt from
/// scratch over the same topics equals the live one row for row.
///
/// Tables, for readers who open the file with `sqlite3`:
/// - `items`: the latest judgement of each item (`key` = `platform:item_id`), with its cluster
///   and the findings message itself (`message_json`, e.g. `json_extract(message_json, '$.item.pictures')`).
/// - `item_pictures`: each item's pictures with SHA-256 and PDQ hash.
/// - `item_linked`: the other items of its cluster, as the cross-link stage listed them.
/// - `findings`: one row per (item, brand) verdict; `severity_rank` 0 (none) ... 4 (critical).
/// - `finding_reasons`: the reasons behind each verdict, in order.
/// - `clusters`, `cluster_edges`: clusters across platforms and the evidence edges between items.
/// - `alerts`: every alert raised (by `alert_id`).
/// - `decisions`: every human decision, in topic order; `decision_state`: the latest per item and brand.
/// - `takedowns`: notices sent and items removed, from the decisions.
/// - `rejected_messages`: topic messages the materializer could not read (also sent to `dead-letters`).
/// - `consumer_offsets`: the next offset to read per topic partition, written in the same
///   transaction as the rows, which is what makes the view exactly-once.
public enum ViewSchema {
    static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE items (
                    key TEXT PRIMARY KEY,
                    platform TEXT NOT NULL,
                    item_id TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    url TEXT,
                    title TEXT,
                    text TEXT,
                    account_id TEXT,
                    account_handle TEXT,
                    price_amount TEXT,
                    price_currency TEXT,
                    posted_at TEXT,
                    raw_topic TEXT,
                    raw_partition INTEGER,
                    raw_offset INTEGER,
                    raw_sha256 TEXT,
                    raw_source TEXT,
                    raw_line INTEGER,
                    cluster_id TEXT,
                    judged_by TEXT NOT NULL DEFAULT '[]',  -- JSON array of brand ids whose profiles judged the item
                    message_json TEXT NOT NULL,             -- the findings message as it was on the topic (its `item` is the canonical item)
                    source_partition INTEGER NOT NULL,      -- the findings message this row comes from
                    source_offset INTEGER NOT NULL,
                    judged_at INTEGER NOT NULL              -- that message's timestamp, ms since the epoch
                );
                CREATE INDEX items_cluster ON items(cluster_id);
                CREATE INDEX items_platform_id ON items(platform, item_id);

                CREATE TABLE item_pictures (
                    key TEXT NOT NULL REFERENCES items(key) ON DELETE CASCADE,
                    ordinal INTEGER NOT NULL,
                    url TEXT NOT NULL,
                    sha256 TEXT,
                    pdq TEXT,
                    quality INTEGER,
                    width INTEGER,
                    height INTEGER,
                    matches_json TEXT,
                    error TEXT,
                    PRIMARY KEY (key, ordinal)
                );

                CREATE TABLE item_linked (
                    key TEXT NOT NULL REFERENCES items(key) ON DELETE CASCADE,
                    ordinal INTEGER NOT NULL,
                    platform TEXT NOT NULL,
                    item_id TEXT NOT NULL,
                    PRIMARY KEY (key, ordinal)
                );

                CREATE TABLE findings (
                    key TEXT NOT NULL REFERENCES items(key) ON DELETE CASCADE,
                    brand TEXT NOT NULL,
                    platform TEXT NOT NULL,
                    item_id TEXT NOT NULL,
                    severity TEXT NOT NULL,
                    severity_rank INTEGER NOT NULL,
                    score REAL NOT NULL,
                    cluster_id TEXT,
                    judged_at INTEGER NOT NULL,
                    PRIMARY KEY (key, brand)
                );
                CREATE INDEX findings_brand_severity ON findings(brand, severity_rank);
                CREATE INDEX findings_cluster ON findings(cluster_id);

                CREATE TABLE finding_reasons (
                    key TEXT NOT NULL,
                    brand TEXT NOT NULL,
                    ordinal INTEGER NOT NULL,
                    signal TEXT NOT NULL,
                    detail TEXT NOT NULL,
                    PRIMARY KEY (key, brand, ordinal),
                    FOREIGN KEY (key, brand) REFERENCES findings(key, brand) ON DELETE CASCADE
                );

                CREATE TABLE clusters (
                    cluster_id TEXT PRIMARY KEY,
                    item_count INTEGER NOT NULL,
                    platform_count INTEGER NOT NULL,
                    platforms TEXT NOT NULL,            -- comma-separated, sorted
                    brands TEXT NOT NULL,               -- comma-separated, sorted; brands with a finding above none
                    max_severity TEXT NOT NULL,
                    max_severity_rank INTEGER NOT NULL,
                    max_score REAL NOT NULL
                );

                CREATE TABLE cluster_edges (
                    reported_by TEXT NOT NULL REFERENCES items(key) ON DELETE CASCADE,
                    ordinal INTEGER NOT NULL,
                    cluster_id TEXT,
                    from_key TEXT NOT NULL,
                    to_key TEXT NOT NULL,
                    signal TEXT NOT NULL,
                    detail TEXT NOT NULL,
                    weight REAL NOT NULL,
                    PRIMARY KEY (reported_by, ordinal)
                );
                CREATE INDEX cluster_edges_cluster ON cluster_edges(cluster_id);

                CREATE TABLE alerts (
                    alert_id TEXT PRIMARY KEY,
                    brand TEXT NOT NULL,
                    platform TEXT NOT NULL,
                    item_id TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    url TEXT,
                    severity TEXT NOT NULL,
                    severity_rank INTEGER NOT NULL,
                    score REAL NOT NULL,
                    reasons_json TEXT NOT NULL,
                    cluster_id TEXT,
                    linked_json TEXT NOT NULL,
                    raised_at TEXT NOT NULL,
                    source_partition INTEGER NOT NULL,
                    source_offset INTEGER NOT NULL
                );
                CREATE INDEX alerts_raised ON alerts(raised_at);

                CREATE TABLE decisions (
                    partition INTEGER NOT NULL,
                    offset INTEGER NOT NULL,
                    brand TEXT NOT NULL,
                    platform TEXT NOT NULL,
                    item_id TEXT NOT NULL,
                    action TEXT NOT NULL,
                    by TEXT,
                    note TEXT,
                    at TEXT NOT NULL,
                    PRIMARY KEY (partition, offset)
                );
                CREATE INDEX decisions_item ON decisions(brand, platform, item_id);

                CREATE TABLE decision_state (
                    brand TEXT NOT NULL,
                    platform TEXT NOT NULL,
                    item_id TEXT NOT NULL,
                    action TEXT NOT NULL,
                    by TEXT,
                    note TEXT,
                    at TEXT NOT NULL,
                    partition INTEGER NOT NULL,
                    offset INTEGER NOT NULL,
                    PRIMARY KEY (brand, platform, item_id)
                );

                CREATE TABLE takedowns (
                    brand TEXT NOT NULL,
                    platform TEXT NOT NULL,
                    item_id TEXT NOT NULL,
                    sent_at TEXT,
                    sent_by TEXT,
                    note TEXT,
                    removed_at TEXT,
                    PRIMARY KEY (brand, platform, item_id)
                );

                CREATE TABLE rejected_messages (
                    topic TEXT NOT NULL,
                    partition INTEGER NOT NULL,
                    offset INTEGER NOT NULL,
                    reason TEXT NOT NULL,
                    PRIMARY KEY (topic, partition, offset)
                );

                CREATE TABLE consumer_offsets (
                    topic TEXT NOT NULL,
                    partition INTEGER NOT NULL,
                    next_offset INTEGER NOT NULL,
                    PRIMARY KEY (topic, partition)
                );
                """)
        }
        return migrator
    }

    /// Tables in a stable order, for dumps and comparisons.
    public static let tables = [
        "items", "item_pictures", "item_linked", "findings", "finding_reasons", "clusters", "cluster_edges",
        "alerts", "decisions", "decision_state", "takedowns", "rejected_messages", "consumer_offsets",
    ]
}
