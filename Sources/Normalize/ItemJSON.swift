import TouchstoneCore

/// Encodes an item for the `items` topic.
enum ItemJSON {
    static func encode(_ item: Item) throws -> [UInt8] {
        try TopicJSON.encode(item)
    }
}
