import StreamProcessing
import TouchstoneCore
import Transport

/// Normalize owns the step from raw platform objects to canonical items: one
/// pure adapter per platform of INPUTS.md (``Platforms/adapters``), the text
/// evidence they share (links with product ids, hashtags, mentions,
/// contacts, HTML to text, timestamps), and ``NormalizeProcessor``, the
/// stream processor from `raw.posts`/`raw.listings` to `items`, keyed by
/// `platform:item_id`. Bad lines throw a ``StageError`` naming the field;
/// the ``StageRunner`` routes them to `dead-letters`.
public enum Normalize {}

/// The `normalize` stage: raw lines in, canonical items out.
public struct NormalizeProcessor: StreamProcessor {
    public let stageName = "normalize"
    public let inputTopics = [TopicName.rawPosts, TopicName.rawListings]
    public let outputTopics = [TopicName.items, TopicName.deadLetters]

    public init() {}

    public func process(_ message: ConsumedMessage) async throws -> [OutgoingMessage] {
        try outputs(for: message)
    }

    /// The synchronous core, for callers (and benchmarks) outside a task.
    public func outputs(for message: ConsumedMessage) throws(StageError) -> [OutgoingMessage] {
        let context = try Self.context(of: message)
        var items = try Normalizer.items(fromLine: message.value, context: context)
        var outputs: [OutgoingMessage] = []
        outputs.reserveCapacity(items.count)
        // Taken from the back, so that each item is moved out of the array, not copied; then put back in order.
        while let item = items.popLast() {
            let value: [UInt8]
            do {
                value = try ItemJSON.encode(item)
            } catch {
                throw StageError("could not encode the item: \(error)")
            }
            outputs.append(OutgoingMessage(topic: TopicName.items, key: Item.keyBytes(platform: item.platform, itemID: item.itemID),
                                           value: value, timestamp: message.timestamp))
        }
        outputs.reverse()
        return outputs
    }

    /// Reads the raw headers ingest wrote. Without a platform header there is no adapter to choose.
    public static func context(of message: ConsumedMessage) throws(StageError) -> RawContext {
        var platform: String?
        var sha256: String?
        var source: String?
        var line: Int?
        var capturedAt: String?
        var extra: String?
        for header in message.headers {
            switch header.name {
            case RawHeader.platform: platform = header.text
            case RawHeader.sha256: sha256 = header.text
            case RawHeader.source: source = header.text
            case RawHeader.line: line = Int(header.text)
            case RawHeader.capturedAt: capturedAt = header.text
            case RawHeader.context: extra = header.text
            default: break
            }
        }
        guard let platform, !platform.isEmpty else {
            throw StageError("raw message has no platform header; publish raw lines with `touchstone ingest`", field: RawHeader.platform)
        }
        return RawContext(
            platform: platform, topic: message.topic, partition: message.partition, offset: message.offset,
            sha256: sha256 ?? SHA256Hex.of(message.value), source: source, line: line, capturedAt: capturedAt, context: extra)
    }
}
