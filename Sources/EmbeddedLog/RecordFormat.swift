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

    /// Appends one framed record to `buffer`.
    static func append(to buffer: inout [UInt8], timestamp: Int64, key: [UInt8]?, value: [UInt8], headers: [MessageHeader]) throws {
        guard headers.count <= Int(UInt16.max) else {
            throw TransportError(.invalidArgument, "a message has \(headers.count) headers; at most \(UInt16.max) fit")
        }
        let start = buffer.count
        let size = frameSize(keyCount: key?.count, valueCount: value.count, headers: headers)
        guard size - frameHeaderSize <= maximumBodySize else {
            throw TransportError(.invalidArgument, "a message of \(size) bytes is larger than the embedded log's limit of \(maximumBodySize) bytes")
        }
        buffer.reserveCapacity(start + size)
        appendInteger(&buffer, UInt32(size - frameHeaderSize))
        appendInteger(&buffer, UInt32(0))  // CRC, patched below
        buffer.append(magic)
        appendInteger(&buffer, timestamp)
        if let key {
            appendInteger(&buffer, Int32(key.count))
            buffer.append(contentsOf: key)
        } else {
            appendInteger(&buffer, Int32(-1))
        }
        appendInteger(&buffer, Int32(value.count))
        buffer.append(contentsOf: value)
        appendInteger(&buffer, UInt16(headers.count))
        for header in headers {
            let name = Array(header.name.utf8)
            appendInteger(&buffer, UInt16(name.count))
            buffer.append(contentsOf: name)
            appendInteger(&buffer, Int32(header.value.count))
            buffer.append(contentsOf: header.value)
        }
        let crc = buffer.withUnsafeBytes { raw in
            CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[(start + frameHeaderSize)...]))
        }
        buffer.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: crc.littleEndian, toByteOffset: start + 4, as: UInt32.self)
        }
    }

    @inline(__always)
    static func appendInteger<T: FixedWidthInteger>(_ buffer: inout [UInt8], _ value: T) {
        withUnsafeBytes(of: value.littleEndian) { buffer.append(contentsOf: $0) }
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
    static func check(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> FrameCheck {
        let available = bytes.count - offset
        guard available >= frameHeaderSize else { return .incomplete }
        let length = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        guard length >= minimumBodySize, length <= maximumBodySize else { return .damaged }
        guard available >= frameHeaderSize + length else { return .incomplete }
        let stored = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self))
        let body = UnsafeRawBufferPointer(rebasing: bytes[(offset + frameHeaderSize)..<(offset + frameHeaderSize + length)])
        guard CRC32C.checksum(body) == stored, body[0] == magic else { return .damaged }
        // The CRC matched, but make sure the inner lengths agree too, so that decoding cannot run off the body.
        guard layoutIsValid(body) else { return .damaged }
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
