import Transport

/// The on-disk frame of one record:
///
///     u32 body length | u32 CRC32C of body | body
///     body = u8 magic (1) | i64 timestamp ms | i32 key length (-1: no key) | key
///            | i32 value length | value | u16 header count
///            | per header: u16 name length | name | i32 value length | value
///
/// All integers little-endian. Offsets are not stored: a segment file is named
/// by the offset of its first record, and records count up from there. A frame
/// whose length runs past the end of the file, or whose CRC does not match, is
/// the end of the readable log (a torn or damaged tail).
enum RecordFormat {
    static let frameHeaderSize = 8
    static let magic: UInt8 = 1
    /// The smallest body: magic, timestamp, key length, value length, header count.
    static let minimumBodySize = 1 + 8 + 4 + 4 + 2
    /// Refuse absurd lengths (a damaged length field) instead of trying to read them.
    static let maximumBodySize = 64 << 20

    /// A decoded record before it is given a topic, partition and offset.
    struct Record {
        var timestamp: Int64
        var key: [UInt8]?
        var value: [UInt8]
        var headers: [MessageHeader]
    }

    static func frameSize(keyCount: Int?, valueCount: Int, headers: [MessageHeader]) -> Int {
        var size = frameHeaderSize + minimumBodySize + (keyCount ?? 0) + valueCount
        for header in headers { size += 2 + header.name.utf8.count + 4 + header.value.count }
        return size
    }

    /// Checks that a record fits the format; returns its frame size.
    static func checkedFrameSize(key: [UInt8]?, value: [UInt8], headers: [MessageHeader]) throws -> Int {
        guard headers.count <= Int(UInt16.max) else {
            throw TransportError(.invalidArgument, "a message has \(headers.count) headers; at most \(UInt16.max) fit")
        }
        for header in headers where header.name.utf8.count > Int(UInt16.max) {
            throw TransportError(.invalidArgument, "header name '\(header.name.prefix(40))…' is longer than \(UInt16.max) bytes")
        }
        let size = frameSize(keyCount: key?.count, valueCount: value.count, headers: headers)
        guard size - frameHeaderSize <= maximumBodySize else {
            throw TransportError(.invalidArgument, "a message of \(size) bytes is larger than the embedded log's limit of \(maximumBodySize) bytes")
        }
        return size
    }

    /// Writes one framed record of `size` bytes (from ``checkedFrameSize``) at `destination`.
    /// With `checksum: false` the CRC is left for ``seal(_:size:)`` (the producer's writer thread does it).
    static func write(to destination: UnsafeMutableRawPointer, size: Int, timestamp: Int64, key: [UInt8]?, value: [UInt8], headers: [MessageHeader], checksum: Bool = true) {
        var cursor = destination
        @inline(__always) func put<T: FixedWidthInteger>(_ integer: T) {
            cursor.storeBytes(of: integer.littleEndian, as: T.self)
            cursor += MemoryLayout<T>.size
        }
        @inline(__always) func put(_ bytes: UnsafeRawBufferPointer) {
            if let base = bytes.baseAddress, bytes.count > 0 { cursor.copyMemory(from: base, byteCount: bytes.count) }
            cursor += bytes.count
        }
        put(UInt32(size - frameHeaderSize))
        put(UInt32(0))  // CRC, filled in below
        put(magic)
        put(timestamp)
        if let key {
            put(Int32(key.count))
            key.withUnsafeBytes { put($0) }
        } else {
            put(Int32(-1))
        }
        put(Int32(value.count))
        value.withUnsafeBytes { put($0) }
        put(UInt16(headers.count))
        for header in headers {
            var name = header.name
            name.withUTF8 { utf8 in
                put(UInt16(utf8.count))
                put(UnsafeRawBufferPointer(utf8))
            }
            put(Int32(header.value.count))
            header.value.withUnsafeBytes { put($0) }
        }
        if checksum { seal(destination, size: size) }
    }

    /// Computes and stores the CRC of the frame at `frame`.
    @inline(__always)
    static func seal(_ frame: UnsafeMutableRawPointer, size: Int) {
        let crc = CRC32C.checksum(UnsafeRawBufferPointer(start: frame + frameHeaderSize, count: size - frameHeaderSize))
        (frame + 4).storeBytes(of: crc.littleEndian, as: UInt32.self)
    }

    /// Appends one framed record to `buffer` (tests and tools; the producer writes into a ``FrameBuffer``).
    static func append(to buffer: inout [UInt8], timestamp: Int64, key: [UInt8]?, value: [UInt8], headers: [MessageHeader]) throws {
        let size = try checkedFrameSize(key: key, value: value, headers: headers)
        let start = buffer.count
        buffer += repeatElement(0, count: size)
        buffer.withUnsafeMutableBytes { raw in
            write(to: raw.baseAddress! + start, size: size, timestamp: timestamp, key: key, value: value, headers: headers)
        }
    }

    enum FrameCheck {
        /// A whole, intact frame of this many bytes (header included).
        case valid(Int)
        /// The bytes end before the frame does: more may still be coming.
        case incomplete
        /// The length or checksum is wrong: the log is damaged here.
        case damaged
    }

    /// Checks the frame that starts at `offset` in `bytes`.
    /// `checkLayout: false` skips walking the inner lengths, for callers that decode the body next
    /// (decoding checks them too).
    static func check(_ bytes: UnsafeRawBufferPointer, at offset: Int, checkLayout: Bool = true) -> FrameCheck {
        let available = bytes.count - offset
        guard available >= frameHeaderSize else { return .incomplete }
        let length = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        guard length >= minimumBodySize, length <= maximumBodySize else { return .damaged }
        guard available >= frameHeaderSize + length else { return .incomplete }
        let stored = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self))
        let body = UnsafeRawBufferPointer(rebasing: bytes[(offset + frameHeaderSize)..<(offset + frameHeaderSize + length)])
        guard CRC32C.checksum(body) == stored, body[0] == magic else { return .damaged }
        // The CRC matched, but make sure the inner lengths agree too, so that decoding cannot run off the body.
        guard !checkLayout || layoutIsValid(body) else { return .damaged }
        return .valid(frameHeaderSize + length)
    }

    /// Decodes a body whose checksum was verified. Nil when its inner lengths do not add up.
    static func decode(_ body: UnsafeRawBufferPointer) -> Record? {
        var cursor = 1
        func read<T: FixedWidthInteger>(_: T.Type) -> T? {
            guard cursor + MemoryLayout<T>.size <= body.count else { return nil }
            defer { cursor += MemoryLayout<T>.size }
            return T(littleEndian: body.loadUnaligned(fromByteOffset: cursor, as: T.self))
        }
        func bytes(_ count: Int) -> [UInt8]? {
            guard count >= 0, cursor + count <= body.count else { return nil }
            defer { cursor += count }
            return Array(UnsafeRawBufferPointer(rebasing: body[cursor..<(cursor + count)]))
        }
        guard let timestamp = read(Int64.self), let keyLength = read(Int32.self) else { return nil }
        var key: [UInt8]?
        if keyLength >= 0 {
            guard let k = bytes(Int(keyLength)) else { return nil }
            key = k
        } else if keyLength != -1 {
            return nil
        }
        guard let valueLength = read(Int32.self), let value = bytes(Int(valueLength)),
              let headerCount = read(UInt16.self) else { return nil }
        var headers: [MessageHeader] = []
        headers.reserveCapacity(Int(headerCount))
        for _ in 0..<headerCount {
            guard let nameLength = read(UInt16.self), let name = bytes(Int(nameLength)),
                  let length = read(Int32.self), let headerValue = bytes(Int(length)) else { return nil }
            headers.append(MessageHeader(name: String(decoding: name, as: UTF8.self), value: headerValue))
        }
        guard cursor == body.count else { return nil }
        return Record(timestamp: timestamp, key: key, value: value, headers: headers)
    }

    /// Walks the inner lengths of a body without copying anything: true when they add up to the body exactly.
    static func layoutIsValid(_ body: UnsafeRawBufferPointer) -> Bool {
        var cursor = 1 + 8
        func length<T: FixedWidthInteger>(_: T.Type) -> Int? {
            guard cursor + MemoryLayout<T>.size <= body.count else { return nil }
            defer { cursor += MemoryLayout<T>.size }
            return Int(T(littleEndian: body.loadUnaligned(fromByteOffset: cursor, as: T.self)))
        }
        func skip(_ count: Int) -> Bool {
            guard count >= 0, cursor + count <= body.count else { return false }
            cursor += count
            return true
        }
        guard let keyLength = length(Int32.self) else { return false }
        if keyLength != -1 { guard skip(keyLength) else { return false } }
        guard let valueLength = length(Int32.self), skip(valueLength), let headerCount = length(UInt16.self) else { return false }
        for _ in 0..<headerCount {
            guard let nameLength = length(UInt16.self), skip(nameLength), let valueLength = length(Int32.self), skip(valueLength) else { return false }
        }
        return cursor == body.count
    }

    /// The timestamp of a verified body, without decoding the rest.
    static func timestamp(_ body: UnsafeRawBufferPointer) -> Int64 {
        Int64(littleEndian: body.loadUnaligned(fromByteOffset: 1, as: Int64.self))
    }
}

/// A growable byte buffer of framed records that the producer writes into with
/// plain stores (no per-record array bookkeeping), handed whole to the appender
/// after ``seal()`` has filled in the checksums.
final class FrameBuffer: @unchecked Sendable {
    private(set) var base: UnsafeMutableRawPointer
    private(set) var count = 0
    private(set) var capacity: Int
    /// Records in the buffer.
    var records = 0

    init(capacity: Int = 64 << 10) {
        self.capacity = capacity
        base = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
    }

    deinit { base.deallocate() }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    func append(timestamp: Int64, key: [UInt8]?, value: [UInt8], headers: [MessageHeader]) throws -> Int {
        let size = try RecordFormat.checkedFrameSize(key: key, value: value, headers: headers)
        if count + size > capacity {
            let grown = max(count + size, capacity * 2)
            let bigger = UnsafeMutableRawPointer.allocate(byteCount: grown, alignment: 16)
            bigger.copyMemory(from: base, byteCount: count)
            base.deallocate()
            base = bigger
            capacity = grown
        }
        RecordFormat.write(to: base + count, size: size, timestamp: timestamp, key: key, value: value, headers: headers, checksum: false)
        count += size
        records += 1
        return size
    }

    /// Fills in the CRC of every frame. Done by the writer thread, so that on a
    /// multi-core machine checksumming overlaps with the senders' framing.
    func seal() {
        var position = 0
        while position < count {
            let size = RecordFormat.frameHeaderSize + Int(UInt32(littleEndian: (base + position).loadUnaligned(as: UInt32.self)))
            RecordFormat.seal(base + position, size: size)
            position += size
        }
    }
}
