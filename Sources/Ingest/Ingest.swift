import Normalize
import TouchstoneCore
import Transport

/// Ingest owns the entry of data into the pipeline: reading message files
/// (plain or gzip) and spool folders, and turning each input line — from a
/// file or an HTTP body — into a message on `raw.posts` or `raw.listings`
/// that carries the line's exact bytes and its evidence headers (SHA-256,
/// source, line number, capture time, platform). Lines that are not UTF-8,
/// not a JSON object, or too large become ``DeadLetter``s instead; nothing
/// is dropped silently. ``SpoolIngester`` publishes each spool file exactly
/// once, across restarts and crashes.
public enum Ingest {}

/// Where a line goes: the raw topic, or dead letters with a reason.
public enum LineDisposition: Sendable {
    case published(OutgoingMessage)
    case deadLettered(OutgoingMessage, reason: String)

    public var message: OutgoingMessage {
        switch self {
        case .published(let m), .deadLettered(let m, _): m
        }
    }
}

/// The pure step from one input line to the message that records it.
public struct LineIngester: Sendable {
    public var platform: String { didSet { platformHeader = MessageHeader(name: RawHeader.platform, text: platform) } }
    /// File path or `http:<peer>`.
    public var source: String { didSet { sourceHeader = MessageHeader(name: RawHeader.source, text: source) } }
    /// Extra context for normalize (a Shopify shop domain).
    public var context: String? { didSet { contextHeader = context.map { MessageHeader(name: RawHeader.context, text: $0) } } }
    public var maxLineBytes: Int
    // The headers every line of this ingester carries, made once rather than per line.
    private var platformHeader: MessageHeader
    private var sourceHeader: MessageHeader
    private var contextHeader: MessageHeader?

    static let validator = JSONReader(maxDepth: 64, maxBytes: .max)

    public init(platform: String, source: String, context: String? = nil, maxLineBytes: Int = 1 << 20) {
        self.platform = platform
        self.source = source
        self.context = context
        self.maxLineBytes = maxLineBytes
        platformHeader = MessageHeader(name: RawHeader.platform, text: platform)
        sourceHeader = MessageHeader(name: RawHeader.source, text: source)
        contextHeader = context.map { MessageHeader(name: RawHeader.context, text: $0) }
    }

    /// Whether a line has anything but blank space (blank lines are skipped and counted).
    public static func isBlank(_ bytes: [UInt8]) -> Bool {
        bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0d }
    }

    public func disposition(of line: InputLine, capturedAt: String) -> LineDisposition {
        if let length = line.oversizedLength {
            return deadLetter("line is \(length) bytes, over the limit of \(maxLineBytes) bytes (payload cut to its first \(line.bytes.count) bytes)",
                              line: line, capturedAt: capturedAt)
        }
        return disposition(of: line.bytes, number: line.number, capturedAt: capturedAt)
    }

    public func disposition(of bytes: [UInt8], number: Int, capturedAt: String) -> LineDisposition {
        let line = InputLine(number: number, bytes: bytes, oversizedLength: nil)
        if bytes.count > maxLineBytes {
            return deadLetter("line is \(bytes.count) bytes, over the limit of \(maxLineBytes) bytes", line: line, capturedAt: capturedAt)
        }
        let tape: JSONTape
        do {
            tape = try JSONTape.read(bytes, with: Self.validator)
        } catch {
            let reason = error.expected == "valid UTF-8" ? "not UTF-8: invalid byte sequence at byte \(error.offset)" : error.description
            return deadLetter(reason, line: line, capturedAt: capturedAt)
        }
        let root = tape.root
        guard root.kind == .object else {
            return deadLetter("expected one JSON object per line, found \(root.typeName)", line: line, capturedAt: capturedAt)
        }
        var genericKind: ItemKind?
        if platform == "generic", let field = (try? root.field("kind")) ?? nil, field.kind == .string, let kind = try? field.asString() {
            // Generic lines are routed by their own `kind`.
            guard let parsed = ItemKind(rawValue: kind) else {
                return deadLetter("kind: expected post, listing or account, found '\(kind)'", field: "kind", line: line, capturedAt: capturedAt)
            }
            genericKind = parsed
        }
        guard let topic = Platforms.rawTopic(platform: platform, genericKind: genericKind) else {
            return deadLetter("unknown platform '\(platform)'", line: line, capturedAt: capturedAt)
        }
        let sha256 = SHA256Hex.bytes(of: bytes)
        // topics/raw.*.json: keyed by platform:item_id, or by the SHA-256 when no id can be read.
        let key = Platforms.rawKey(platform: platform, root: root) ?? sha256
        var headers: [MessageHeader] = []
        headers.reserveCapacity(6)
        headers.append(platformHeader)
        headers.append(MessageHeader(name: RawHeader.sha256, value: sha256))
        headers.append(sourceHeader)
        headers.append(MessageHeader(name: RawHeader.line, value: DecimalText.withDigits(of: Int64(number)) { Array($0) }))
        headers.append(MessageHeader(name: RawHeader.capturedAt, text: capturedAt))
        if let contextHeader { headers.append(contextHeader) }
        return .published(OutgoingMessage(topic: topic, key: key, value: bytes, headers: headers, timestamp: nil, partition: nil))
    }

    func deadLetter(_ reason: String, field: String? = nil, line: InputLine, capturedAt: String) -> LineDisposition {
        let letter = DeadLetter(stage: "ingest", reason: reason, field: field, source: source, line: line.number, payload: line.bytes, at: capturedAt)
        // Encoding a DeadLetter cannot fail: it holds only strings and integers.
        let value = (try? TopicJSON.encode(letter)) ?? Array(#"{"schema":1,"stage":"ingest","reason":"unencodable dead letter"}"#.utf8)
        let headers = [
            MessageHeader(name: RawHeader.platform, text: platform),
            MessageHeader(name: RawHeader.source, text: source),
            MessageHeader(name: RawHeader.line, text: String(line.number)),
        ]
        return .deadLettered(OutgoingMessage(topic: TopicName.deadLetters, key: nil, value: value, headers: headers), reason: reason)
    }
}

/// Counts of one ingest run.
public struct IngestCounts: Sendable, Hashable, CustomStringConvertible {
    public var files = 0
    public var lines = 0
    public var published = 0
    public var posts = 0
    public var listings = 0
    public var deadLettered = 0
    public var blank = 0
    public var skippedAsDone = 0

    public init() {}

    mutating func record(_ disposition: LineDisposition) {
        lines += 1
        switch disposition {
        case .published(let m):
            published += 1
            if m.topic == TopicName.rawListings { listings += 1 } else { posts += 1 }
        case .deadLettered:
            deadLettered += 1
        }
    }

    public static func + (a: IngestCounts, b: IngestCounts) -> IngestCounts {
        var c = a
        c.files += b.files; c.lines += b.lines; c.published += b.published; c.posts += b.posts
        c.listings += b.listings; c.deadLettered += b.deadLettered; c.blank += b.blank; c.skippedAsDone += b.skippedAsDone
        return c
    }

    public var description: String {
        var text = "\(files) file\(files == 1 ? "" : "s"), \(lines) lines: \(published) published (raw.posts \(posts), raw.listings \(listings)), \(deadLettered) dead-lettered"
        if blank > 0 { text += ", \(blank) blank skipped" }
        return text
    }
}

/// The platform a file's name starts with (`instagram-2026-11-28.ndjson` → instagram).
public func platform(fromFileName path: String) -> String? {
    let name = path.split(separator: "/").last.map(String.init) ?? path
    let word = name.prefix { $0.isLetter }.lowercased()
    return Platforms.all.contains(word) ? word : nil
}

extension Ingest {
    /// Every platform name ingest accepts (INPUTS.md), `generic` included.
    public static var platforms: [String] { Platforms.all }
}
