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
        // Headers read in place, and each name compared only with the one header name of
        // its length: copying every header and trying the names in turn cost more than the values.
        message.headers.withUnsafeBufferPointer { headers in
            for header in headers.indices.lazy.map({ headers.baseAddress! + $0 }) {
                // Borrowed in place (a copied header retained and released its name and value).
                func text() -> String { header.pointee.value.withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) } }
                func named(_ name: String) -> Bool { header.pointee.name == name }
                switch header.pointee.name.utf8.count {
                case RawHeader.platform.utf8.count where named(RawHeader.platform): platform = text()
                case RawHeader.sha256.utf8.count where named(RawHeader.sha256): sha256 = text()
                case RawHeader.source.utf8.count where named(RawHeader.source): source = text()
                case RawHeader.line.utf8.count where named(RawHeader.line): line = header.pointee.value.withUnsafeBufferPointer(lineNumber)
                case RawHeader.capturedAt.utf8.count where named(RawHeader.capturedAt): capturedAt = text()
                case RawHeader.context.utf8.count where named(RawHeader.context): extra = text()
                default: break
                }
            }
        }
        guard let platform, !platform.isEmpty else {
            throw StageError("raw message has no platform header; publish raw lines with `touchstone ingest`", field: RawHeader.platform)
        }
        return RawContext(
            platform: platform, topic: message.topic, partition: message.partition, offset: message.offset,
            sha256: sha256 ?? SHA256Hex.of(message.value), source: source, line: line, capturedAt: capturedAt, context: extra)
    }

    /// `Int(text)` of a line header's bytes; plain digits (what ingest writes) are read in place.
    static func lineNumber(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        if !bytes.isEmpty, bytes.count <= 18, bytes.allSatisfy({ $0 &- 0x30 < 10 }) {
            return bytes.reduce(0) { $0 * 10 + Int($1 &- 0x30) }
        }
        return Int(String(decoding: bytes, as: UTF8.self))
    }
}
