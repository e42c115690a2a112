import TouchstoneCore

/// Encodes an item for the `items` topic: the same bytes as
/// `TopicJSON.encode(item)` (sorted keys, nil fields left out, slashes not
/// escaped), written directly, several times faster than `JSONEncoder` —
/// the encoder was most of normalize's time. Items carrying later stages'
/// fields (`signals`, `profiles`) go through `TopicJSON`. `ItemJSONTests`
/// checks byte equality with `TopicJSON` on every fixture.
public enum ItemJSON {
    public static func encode(_ item: borrowing Item) throws -> [UInt8] {
        if item.signals != nil || item.profiles != nil { return try TopicJSON.encode(item) }
        var w = JSONWriter(capacity: 2048)
        w.open()
        if let account = item.account {
            w.key("account")
            w.open()
            w.field("bio", account.bio)
            w.field("display_name", account.displayName)
            w.field("handle", account.handle)
            w.field("id", account.id)
            w.field("website", account.website)
            w.close()
        }
        w.key("contacts")
        w.array(item.contacts) { w, c in
            w.open()
            w.field("kind", c.kind.rawValue)
            w.field("value", c.value)
            w.close()
        }
        w.key("hashtags")
        w.array(item.hashtags) { w, s in w.string(s) }
        w.field("item_id", item.itemID)
        w.field("kind", item.kind.rawValue)
        w.key("links")
        w.array(item.links) { w, link in
            w.open()
            w.field("found_in", link.foundIn)
            w.key("products")
            w.array(link.products) { w, p in
                w.open()
                w.field("item_id", p.itemID)
                w.field("platform", p.platform)
                w.close()
            }
            w.field("url", link.url)
            w.close()
        }
        w.key("mentions")
        w.array(item.mentions) { w, s in w.string(s) }
        w.key("pictures")
        var fallback = false
        w.array(item.pictures) { w, p in
            if p.sha256 != nil || p.byteCount != nil || p.width != nil || p.height != nil || p.pdq != nil || p.quality != nil || p.matches != nil {
                fallback = true
            }
            w.open()
            w.field("error", p.error)
            w.field("url", p.url)
            w.close()
        }
        if fallback { return try TopicJSON.encode(item) }
        w.field("platform", item.platform)
        w.field("posted_at", item.postedAt)
        if let price = item.price {
            w.key("price")
            w.open()
            w.field("amount", price.amount)
            w.field("currency", price.currency)
            w.close()
        }
        if let raw = item.raw {
            w.key("raw")
            w.open()
            w.field("captured_at", raw.capturedAt)
            w.field("line", raw.line)
            w.field("offset", raw.offset)
            w.field("partition", Int(raw.partition))
            w.field("sha256", raw.sha256)
            w.field("source", raw.source)
            w.field("topic", raw.topic)
            w.close()
        }
        w.field("schema", item.schema)
        w.field("text", item.text)
        w.field("title", item.title)
        w.field("url", item.url)
        w.close()
        return w.bytes
    }
}

/// A minimal JSON writer: objects, arrays, strings escaped as JSONEncoder does.
/// It writes into a buffer it grows itself: `Array.append` checked uniqueness
/// and capacity on every byte, which was most of the writer's time.
struct JSONWriter: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var count = 0
    /// Bit k: whether the container k levels up has no member yet (bit 0: the current one).
    var first: UInt64 = 1

    init(capacity: Int = 2048) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// The bytes written so far.
    var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// Room for `n` more bytes.
    @inline(__always)
    private mutating func reserve(_ n: Int) {
        if count + n > capacity { grow(count + n) }
    }

    private mutating func grow(_ needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    @inline(__always)
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        reserve(bytes.count)
        Self.copy(source, to: base + count, bytes.count)
        count += bytes.count
    }

    /// Copies `n` bytes: short runs (keys, most values) in a loop, longer ones by memmove,
    /// whose call cost more than a short copy.
    @inline(__always)
    private static func copy(_ source: UnsafePointer<UInt8>, to target: UnsafeMutablePointer<UInt8>, _ n: Int) {
        let from = UnsafeRawPointer(source), to = UnsafeMutableRawPointer(target)
        // Two overlapping loads and stores cover any length between one width and twice it.
        if n > 16 {
            target.update(from: source, count: n)
        } else if n >= 8 {
            let head = from.loadUnaligned(as: UInt64.self), tail = from.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            to.storeBytes(of: head, as: UInt64.self)
            to.storeBytes(of: tail, toByteOffset: n - 8, as: UInt64.self)
        } else if n >= 4 {
            let head = from.loadUnaligned(as: UInt32.self), tail = from.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
            to.storeBytes(of: head, as: UInt32.self)
            to.storeBytes(of: tail, toByteOffset: n - 4, as: UInt32.self)
        } else if n > 0 {
            target[0] = source[0]
            target[n / 2] = source[n / 2]
            target[n - 1] = source[n - 1]
        }
    }

    mutating func separator() {
        if first & 1 != 0 { first &= ~1 } else { append(UInt8(ascii: ",")) }
    }

    mutating func open() {
        append(UInt8(ascii: "{"))
        first = first << 1 | 1
    }

    mutating func close() {
        append(UInt8(ascii: "}"))
        first >>= 1
    }

    mutating func key(_ name: StaticString) {
        // `,"name":` in one reservation.
        let length = name.utf8CodeUnitCount
        reserve(length + 4)
        if first & 1 != 0 { first &= ~1 } else { base[count] = UInt8(ascii: ","); count += 1 }
        base[count] = UInt8(ascii: "\"")
        Self.copy(name.utf8Start, to: base + count + 1, length)
        base[count + 1 + length] = UInt8(ascii: "\"")
        base[count + 2 + length] = UInt8(ascii: ":")
        count += length + 3
    }

    mutating func field(_ name: StaticString, _ value: String?) {
        guard let value else { return }
        key(name)
        string(value)
    }

    mutating func field<I: BinaryInteger>(_ name: StaticString, _ value: I?) {
        guard let value else { return }
        key(name)
        guard let v = Int64(exactly: value) else {
            var text = String(value)
            text.withUTF8 { append($0) }
            return
        }
        DecimalText.withDigits(of: v) { append($0) }
    }

    mutating func array<T>(_ values: [T], _ element: (inout JSONWriter, T) -> Void) {
        append(UInt8(ascii: "["))
        first = first << 1 | 1
        for value in values {
            separator()
            element(&self, value)
        }
        append(UInt8(ascii: "]"))
        first >>= 1
    }

    /// The high bit of each byte of `word` that is `"`, `\` or below 0x20, and maybe of bytes after
    /// such a byte (borrows only run upward): zero exactly when none is, and its lowest set bit
    /// (little-endian: the first byte in memory) is always the first such byte.
    @inline(__always)
    static func escapeMask(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5c)
        let hasQuote = (quote &- ones) & ~quote & highs
        let hasBackslash = (backslash &- ones) & ~backslash & highs
        let hasControl = (word &- ones &* 0x20) & ~word & highs
        return hasQuote | hasBackslash | hasControl
    }

    mutating func string(_ value: String) {
        // Borrowed as a span: `withContiguousStorageIfAvailable` retained and released the storage.
        value.utf8Span.span.withUnsafeBufferPointer { quoted($0) }
    }

    /// `bytes` between quotes, escaped.
    @inline(__always)
    private mutating func quoted(_ bytes: UnsafeBufferPointer<UInt8>) {
        // Quotes and the bytes reserved at once; escapes, rare, reserve their own room.
        reserve(bytes.count + 2)
        base[count] = UInt8(ascii: "\"")
        count += 1
        escaped(bytes)
        append(UInt8(ascii: "\""))
    }

    /// Appends `bytes` with quotes, backslashes and control bytes escaped as JSONEncoder escapes them.
    mutating func escaped(_ bytes: UnsafeBufferPointer<UInt8>) {
        var start = 0
        var i = 0
        while i < bytes.count {
            // Eight bytes at a time while none needs an escape (a quote, a backslash or a control byte);
            // then straight to the first that does, or to the last bytes.
            while i + 8 <= bytes.count {
                let mask = Self.escapeMask(UnsafeRawPointer(bytes.baseAddress! + i).loadUnaligned(as: UInt64.self))
                if mask == 0 { i += 8; continue }
                i += mask.trailingZeroBitCount >> 3
                break
            }
            guard i < bytes.count else { break }
            let b = bytes[i]
            i += 1
            guard b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") else { continue }
            append(UnsafeBufferPointer(rebasing: bytes[start..<(i - 1)]))
            start = i
            append(UInt8(ascii: "\\"))
            switch b {
            case UInt8(ascii: "\""): append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): append(UInt8(ascii: "\\"))
            case 0x08: append(UInt8(ascii: "b"))
            case 0x0c: append(UInt8(ascii: "f"))
            case 0x0a: append(UInt8(ascii: "n"))
            case 0x0d: append(UInt8(ascii: "r"))
            case 0x09: append(UInt8(ascii: "t"))
            default:
                let hex: StaticString = "0123456789abcdef"
                append(UInt8(ascii: "u"))
                append(UInt8(ascii: "0"))
                append(UInt8(ascii: "0"))
                append(hex.utf8Start[Int(b >> 4)])
                append(hex.utf8Start[Int(b & 0xf)])
            }
        }
        append(UnsafeBufferPointer(rebasing: bytes[start...]))
    }
}
