import Transport

/// Reads one partition from a position onwards, tolerating a tail that another
/// process is still writing: a frame that is incomplete or fails its checksum
/// is "not there yet" and is read again on the next call. A segment is left
/// for the next one only when a newer segment exists and the current one has
/// nothing more (appenders roll only after their last write is complete).
///
/// Not thread-safe: owned by one consumer.
final class PartitionReader {
    let topic: String
    let partition: Int32
    let directory: String
    private var segment: PosixFile?
    private var segmentBase: Int64 = -1
    /// Byte position of the next frame in `segment`.
    private var position: Int64 = 0
    /// Offset of the next record to return.
    private(set) var nextOffset: Int64 = 0

    /// Starts small (many idle readers cost little) and doubles up to 1 MiB while reads fill it.
    private var buffer = [UInt8](repeating: 0, count: 64 << 10)
    /// File position of `buffer[0]`, and how many bytes of `buffer` are filled.
    private var bufferStart: Int64 = 0
    private var bufferFill = 0

    init(topic: String, partition: Int32, directory: String) {
        self.topic = topic
        self.partition = partition
        self.directory = directory
    }

    /// Positions the reader. Offsets before the oldest kept record start at the oldest;
    /// offsets past the end wait at the end.
    func seek(to start: StartPosition) throws {
        let bases = Segments.bases(in: directory)
        guard let first = bases.first else {
            open(base: 0, file: nil)
            return
        }
        switch start {
        case .earliest:
            try open(base: first)
        case .latest:
            try open(base: bases.last!)
            try skip { _ in true }
        case .offset(let target):
            let base = bases.last { $0 <= target } ?? first
            try open(base: base)
            if target > base {
                var remaining = target - base
                try skip { _ in
                    remaining -= 1
                    return remaining >= 0
                }
            }
        case .timestamp(let target):
            for base in bases {
                try open(base: base)
                var found = false
                try skip { body in
                    if RecordFormat.timestamp(body) >= target { found = true; return false }
                    return true
                }
                if found { return }
            }
        }
    }

    private func open(base: Int64, file: PosixFile?) {
        segment = file
        segmentBase = base
        position = 0
        nextOffset = base
        bufferStart = 0
        bufferFill = 0
    }

    private func open(base: Int64) throws {
        let file = try? PosixFile(path: Segments.path(directory, base: base), readOnly: true)
        open(base: base, file: file)
    }

    /// Advances over whole records while `proceed` says so (it sees each body before it is passed).
    private func skip(_ proceed: (UnsafeRawBufferPointer) -> Bool) throws {
        guard let segment else { return }
        let scan = try SegmentScanner.scan(segment, from: position, visit: proceed)
        position = scan.validEnd
        nextOffset += scan.records
        bufferStart = position
        bufferFill = 0
    }

    /// Returns up to `max` records that are available now (possibly none).
    func read(max: Int) throws -> [ConsumedMessage] {
        var out: [ConsumedMessage] = []
        while out.count < max {
            if segment == nil {
                // The partition had no segment when positioned: look again.
                let bases = Segments.bases(in: directory)
                guard let base = bases.last(where: { $0 <= nextOffset }) ?? bases.first else { return out }
                let target = nextOffset
                try open(base: base)
                if segment == nil { return out }
                if target > base {
                    var remaining = target - base
                    try skip { _ in remaining -= 1; return remaining >= 0 }
                }
            }
            if parseBuffered(into: &out, max: max) { continue }
            try refill()
            if parseBuffered(into: &out, max: max) { continue }
            // A full buffer without a whole record: a record larger than the buffer, which refill
            // grows. A buffer that cannot grow holds a damaged frame with more bytes behind it:
            // handled below like the end of the segment, never re-read in a loop.
            var grown = false
            while bufferFill == buffer.count && !grown {
                let capacity = buffer.count
                try refill()
                if buffer.count == capacity { break }
                grown = parseBuffered(into: &out, max: max)
            }
            if grown { continue }
            // Nothing more in this segment now. Move on only if a newer segment exists, after
            // one more look at this one (an appender rolls only after its last write completed).
            let bases = Segments.bases(in: directory)
            guard let next = bases.first(where: { $0 > segmentBase }) else { break }
            try refill()
            if parseBuffered(into: &out, max: max) { continue }
            try open(base: next)
        }
        return out
    }

    /// Parses whole records from the buffer into `out`; true when it took at least one.
    private func parseBuffered(into out: inout [ConsumedMessage], max: Int) -> Bool {
        var took = false
        var cursor = Int(position - bufferStart)
        guard cursor >= 0, cursor <= bufferFill else { return false }
        buffer.withUnsafeBytes { raw in
            let bytes = UnsafeRawBufferPointer(rebasing: raw[0..<bufferFill])
            while out.count < max, case .valid(let size) = RecordFormat.check(bytes, at: cursor, checkLayout: false) {
                let body = UnsafeRawBufferPointer(rebasing: bytes[(cursor + RecordFormat.frameHeaderSize)..<(cursor + size)])
                // A body whose checksum matches but whose lengths do not add up is damage: stop before it.
                guard let record = RecordFormat.decode(body) else { break }
                out.append(ConsumedMessage(topic: topic, partition: partition, offset: nextOffset, key: record.key,
                                           value: record.value, headers: record.headers, timestamp: record.timestamp))
                nextOffset += 1
                cursor += size
                took = true
            }
        }
        position = bufferStart + Int64(cursor)
        return took
    }

    /// Reads the file from `position` into the buffer, growing it for a record larger than the buffer.
    private func refill() throws {
        guard let segment else { return }
        if bufferFill == buffer.count && buffer.count < 1 << 20 {
            buffer = [UInt8](repeating: 0, count: buffer.count * 2)
            bufferFill = 0
        }
        if bufferFill - Int(position - bufferStart) >= RecordFormat.frameHeaderSize {
            let length = buffer.withUnsafeBytes { raw in
                Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: Int(position - bufferStart), as: UInt32.self)))
            }
            if length + RecordFormat.frameHeaderSize > buffer.count && length <= RecordFormat.maximumBodySize {
                buffer = [UInt8](repeating: 0, count: length + RecordFormat.frameHeaderSize)
            }
        }
        bufferStart = position
        bufferFill = try buffer.withUnsafeMutableBytes { try segment.read(into: $0, at: position) }
    }
}
