import Transport

/// The segment files of one partition directory: `<base offset, 20 digits>.log`.
enum Segments {
    static let suffix = ".log"

    static func fileName(base: Int64) -> String {
        let digits = String(base)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + suffix
    }

    /// The base offsets of the segments in `directory`, ascending.
    static func bases(in directory: String) -> [Int64] {
        FileSystem.list(directory).compactMap { name -> Int64? in
            guard name.hasSuffix(suffix), name.count == 20 + suffix.count else { return nil }
            return Int64(name.dropLast(suffix.count))
        }.sorted()
    }

    static func path(_ directory: String, base: Int64) -> String { "\(directory)/\(fileName(base: base))" }
}

/// Walks the frames of a segment file from a byte position, in chunks.
struct SegmentScanner {
    enum Stop { case end, incomplete, damaged }

    struct Result {
        /// Byte position after the last whole record.
        var validEnd: Int64
        /// Whole records seen.
        var records: Int64
        var stop: Stop
    }

    static let chunkSize = 1 << 20

    /// Scans from `position` to the end of the file (or until `visit` returns false,
    /// which stops before that record). `visit` gets each whole record's body.
    static func scan(_ file: PosixFile, from position: Int64, visit: (UnsafeRawBufferPointer) -> Bool = { _ in true }) throws -> Result {
        var result = Result(validEnd: position, records: 0, stop: .end)
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        while true {
            let read = try buffer.withUnsafeMutableBytes { try file.read(into: $0, at: result.validEnd) }
            if read == 0 { result.stop = .end; return result }
            var cursor = 0
            var needMore = false
            buffer.withUnsafeBytes { raw in
                let bytes = UnsafeRawBufferPointer(rebasing: raw[0..<read])
                while cursor < read {
                    switch RecordFormat.check(bytes, at: cursor) {
                    case .valid(let size):
                        let body = UnsafeRawBufferPointer(rebasing: bytes[(cursor + RecordFormat.frameHeaderSize)..<(cursor + size)])
                        if !visit(body) { result.stop = .end; return }
                        cursor += size
                        result.records += 1
                    case .incomplete:
                        needMore = true
                        return
                    case .damaged:
                        result.stop = .damaged
                        return
                    }
                }
            }
            result.validEnd += Int64(cursor)
            if result.stop == .damaged { return result }
            if needMore {
                if cursor == 0 {
                    // The frame does not fit in this chunk: grow for a large record, or stop at a short tail.
                    let length = buffer.withUnsafeBytes { raw -> Int in
                        read >= 4 ? Int(UInt32(littleEndian: raw.loadUnaligned(as: UInt32.self))) : 0
                    }
                    if read < buffer.count || length + RecordFormat.frameHeaderSize <= buffer.count {
                        result.stop = .incomplete
                        return result
                    }
                    buffer = [UInt8](repeating: 0, count: length + RecordFormat.frameHeaderSize)
                }
                continue
            }
            if cursor < read { return result }  // stopped by visit
            if read < buffer.count { result.stop = .end; return result }
        }
    }
}
