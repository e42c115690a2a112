import CZlib
import Foundation

/// Why a message file could not be read.
public struct IngestError: Error, CustomStringConvertible, Sendable {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

/// One line of a message file: its 1-based number and exact bytes (without
/// the `\n`). An oversized line keeps only its first bytes and says how long it was.
public struct InputLine: Sendable {
    public var number: Int
    public var bytes: [UInt8]
    /// The line's full length when it was over the limit (its bytes are then a prefix).
    public var oversizedLength: Int?
}

/// Reads a message file line by line, plain or gzip (detected by its magic
/// bytes, so a misnamed file still reads), in bounded memory: a line longer
/// than `maxLineBytes` is cut, not buffered.
public final class LineReader {
    let fd: Int32
    let path: String
    let maxLineBytes: Int
    var inflater: Inflater?
    var chunk: [UInt8] = []
    var chunkPosition = 0
    var pending: [UInt8] = []
    var pendingLength = 0
    var lineNumber = 0
    var atEnd = false

    public init(path: String, maxLineBytes: Int = 1 << 20) throws {
        self.path = path
        self.maxLineBytes = maxLineBytes
        fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw IngestError("cannot open \(path): \(String(cString: strerror(errno)))") }
        var magic = [UInt8](repeating: 0, count: 2)
        let n = pread(fd, &magic, 2, 0)
        if n == 2, magic[0] == 0x1f, magic[1] == 0x8b { inflater = try Inflater(path: path) }
    }

    deinit { close(fd) }

    /// The next line, or nil at the end of the file.
    public func next() throws -> InputLine? {
        while true {
            if chunkPosition >= chunk.count {
                if atEnd { return finishPending() }
                try refill()
                continue
            }
            let remaining = chunk.count - chunkPosition
            let newline = chunk.withUnsafeBufferPointer { buffer -> Int? in
                guard let base = buffer.baseAddress else { return nil }
                let start = base + chunkPosition
                guard let found = memchr(start, 0x0a, remaining) else { return nil }
                return start.distance(to: found.assumingMemoryBound(to: UInt8.self)) + chunkPosition
            }
            let end = newline ?? chunk.count
            if let newline, pendingLength == 0, newline - chunkPosition <= maxLineBytes {
                // A whole line inside the chunk (the usual case): copied out once, not through `pending`.
                let start = chunkPosition
                let bytes = chunk.withUnsafeBufferPointer { Array(UnsafeBufferPointer(rebasing: $0[start..<newline])) }
                chunkPosition = newline + 1
                lineNumber += 1
                return InputLine(number: lineNumber, bytes: bytes, oversizedLength: nil)
            }
            append(chunk[chunkPosition..<end])
            chunkPosition = end
            if newline != nil {
                chunkPosition += 1
                return takeLine()
            }
        }
    }

    func append(_ bytes: ArraySlice<UInt8>) {
        pendingLength += bytes.count
        let room = maxLineBytes + 1 - pending.count
        if room > 0 { pending.append(contentsOf: bytes.prefix(room)) }
    }

    func takeLine() -> InputLine {
        lineNumber += 1
        let oversized = pendingLength > maxLineBytes ? pendingLength : nil
        var bytes = pending
        if oversized != nil { bytes = Array(bytes.prefix(4096)) }
        pending.removeAll(keepingCapacity: true)
        pendingLength = 0
        return InputLine(number: lineNumber, bytes: bytes, oversizedLength: oversized)
    }

    func finishPending() -> InputLine? {
        guard pendingLength > 0 else { return nil }
        return takeLine()
    }

    func refill() throws {
        chunkPosition = 0
        if let inflater {
            chunk = try inflater.read(from: fd)
            if chunk.isEmpty { atEnd = true }
            return
        }
        chunk = [UInt8](unsafeUninitializedCapacity: 1 << 20) { buffer, count in
            let n = read(fd, buffer.baseAddress, buffer.count)
            count = max(n, 0)
        }
        if chunk.isEmpty { atEnd = true }
    }
}

/// gzip decompression with zlib, in process. Concatenated gzip members
/// (what `cat a.gz b.gz` makes) are read as one stream. Buffers are
/// allocated once so zlib's pointers into them stay valid between calls.
final class Inflater {
    var stream = z_stream()
    let input: UnsafeMutablePointer<UInt8>
    let inputCapacity = 256 << 10
    var inputEnd = false
    /// Set after Z_STREAM_END: the stream may end here, or another member may follow.
    var betweenMembers = false
    let path: String

    init(path: String) throws {
        self.path = path
        input = .allocate(capacity: inputCapacity)
        let status = inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            input.deallocate()
            throw IngestError("\(path): zlib init failed (\(status))")
        }
    }

    deinit {
        inflateEnd(&stream)
        input.deallocate()
    }

    /// Up to 1 MiB of decompressed bytes; empty at the end of the stream.
    func read(from fd: Int32) throws -> [UInt8] {
        let capacity = 1 << 20
        return try [UInt8](unsafeUninitializedCapacity: capacity) { output, count in
            count = 0
            while count == 0 {
                if stream.avail_in == 0 {
                    if inputEnd { return }
                    let n = Glibc.read(fd, input, inputCapacity)
                    if n < 0 { throw IngestError("\(path): read failed: \(String(cString: strerror(errno)))") }
                    if n == 0 {
                        inputEnd = true
                        if !betweenMembers { throw IngestError("\(path): the gzip stream is truncated (unexpected end of file)") }
                        return
                    }
                    stream.next_in = input
                    stream.avail_in = UInt32(n)
                }
                if betweenMembers {
                    // More bytes after a member's end: the next member begins.
                    inflateReset(&stream)
                    betweenMembers = false
                }
                stream.next_out = output.baseAddress!
                stream.avail_out = UInt32(capacity)
                let status = inflate(&stream, Z_NO_FLUSH)
                count = capacity - Int(stream.avail_out)
                switch status {
                case Z_OK, Z_BUF_ERROR:
                    break
                case Z_STREAM_END:
                    betweenMembers = true
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                    throw IngestError("\(path): not a valid gzip stream: \(message)")
                }
            }
        }
    }
}
