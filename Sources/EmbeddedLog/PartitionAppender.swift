import Transport

/// Appends batches of framed records to one partition. Any number of processes
/// may append to the same partition: each batch is written under an exclusive
/// `flock` on the partition's `append.lock`, after bringing this appender's view
/// of the tail up to date (another process may have appended or rolled a segment
/// since). Under the lock nobody else is writing, so bytes past the last whole
/// record are the torn write of a crashed appender (or damage): they are cut off
/// before appending. That is the crash recovery; it needs no separate step.
///
/// The lock file's first 8 bytes name the newest segment's base offset, written
/// under the lock before a segment is created: an appender that already has that
/// segment open skips listing the directory on every batch. A crash between the
/// two leaves a hint naming a segment that does not exist; the hint then differs
/// from what any appender has open, so the next one lists the directory and
/// rewrites it.
///
/// Disk blocks are reserved ahead of the writes in the newest segment (`fallocate`,
/// size unchanged, so readers and crash recovery see nothing of it): writing into
/// reserved blocks costs ext4 about 40% less CPU. What is left unused is given
/// back when the segment rolls, when the producer closes, and when an appender
/// opens a segment (after a crash that left a reservation). Always under the lock:
/// past the end of the file, only the lock holder can be writing.
///
/// Not thread-safe: one producer drives it from its own I/O queue.
final class PartitionAppender {
    let directory: String
    let spec: TopicSettings
    private let lockFile: PosixFile
    private var segment: PosixFile?
    private var segmentBase: Int64 = -1
    /// Byte position after the last whole record of the current segment.
    private var validEnd: Int64 = 0
    /// Offset the next record gets.
    private(set) var nextOffset: Int64 = 0
    /// Segments written since the last `sync()`.
    private var unsynced: [PosixFile] = []
    /// Blocks of the current segment are reserved up to here.
    private var reservedEnd: Int64 = 0

    init(directory: String, spec: TopicSettings) throws {
        self.directory = directory
        self.spec = spec
        lockFile = try PosixFile(path: "\(directory)/append.lock", create: true)
    }

    /// Gives back the blocks reserved ahead of the writes (the producer closes).
    func close() {
        guard segment != nil, (try? lockFile.lock()) != nil else { return }
        releaseReservation()
        lockFile.unlock()
        segment = nil
    }

    /// Appends batches of framed records (`frames`, holding `count` records each), in order,
    /// under one lock: one catch-up with other processes per call, not per batch. A segment
    /// that has reached its size rolls between batches.
    func append(_ batches: [(frames: UnsafeRawBufferPointer, count: Int)]) throws {
        try lockFile.lock()
        defer { lockFile.unlock() }
        try catchUp()
        for batch in batches {
            if validEnd >= spec.segmentBytes && nextOffset > segmentBase {
                try roll()
            }
            let segment = segment!
            reserveAhead(of: validEnd + Int64(batch.frames.count), in: segment)
            try segment.write(batch.frames, at: validEnd)
            if unsynced.last !== segment { unsynced.append(segment) }
            validEnd += Int64(batch.frames.count)
            nextOffset += Int64(batch.count)
        }
    }

    /// Makes every record appended so far durable.
    func sync() throws {
        for file in unsynced { try file.sync() }
        unsynced.removeAll()
    }

    /// Reserves blocks ahead of a write that ends at `end`. The step grows with the segment
    /// (1 to 16 MiB): a quiet partition reserves little, a busy one calls `fallocate` about
    /// once per 16 MiB.
    private func reserveAhead(of end: Int64, in segment: PosixFile) {
        guard end > reservedEnd else { return }
        let target = end + min(max(validEnd, 1 << 20), 16 << 20)
        segment.reserve(max(reservedEnd, validEnd)..<target)
        reservedEnd = target
    }

    /// Gives back whatever is reserved past the end of the current segment: this appender's
    /// reservation, or one a crashed appender left. Under the lock.
    private func releaseReservation() {
        try? segment?.releaseReservation()
        reservedEnd = 0
    }

    /// Brings the view of the tail up to date, under the lock: the newest segment,
    /// where its last whole record ends, and cuts off anything after that.
    private func catchUp() throws {
        let hint = newestSegmentHint()
        if segment == nil || hint == nil || hint != segmentBase {
            try openNewestSegment(hint: hint)
        }
        let file = segment!
        let size = try file.size
        if size == validEnd { return }
        if size > validEnd {
            let scan = try SegmentScanner.scan(file, from: validEnd)
            validEnd = scan.validEnd
            nextOffset += scan.records
        } else {
            // Shorter than we knew: someone cut a damaged tail. Rescan the segment.
            let scan = try SegmentScanner.scan(file, from: 0)
            validEnd = scan.validEnd
            nextOffset = segmentBase + scan.records
        }
        if try file.size > validEnd {
            try file.truncate(to: validEnd)
            try file.sync()
        }
    }

    /// Lists the segments and opens the newest (creating the first one), and makes the hint name it.
    private func openNewestSegment(hint: Int64?) throws {
        let bases = Segments.bases(in: directory)
        guard let newest = bases.last else {
            releaseReservation()
            try recordNewestSegment(0)
            let file = try PosixFile(path: Segments.path(directory, base: 0), create: true)
            FileSystem.syncDirectory(of: file.path)
            segment = file
            segmentBase = 0
            validEnd = 0
            nextOffset = 0
            return
        }
        if newest != segmentBase || segment == nil {
            releaseReservation()  // of the segment another process rolled
            segment = try PosixFile(path: Segments.path(directory, base: newest))
            segmentBase = newest
            validEnd = 0
            nextOffset = newest
            releaseReservation()  // one a crashed appender left on the newest
        }
        if hint != newest { try recordNewestSegment(newest) }
    }

    private func newestSegmentHint() -> Int64? {
        var value: Int64 = 0
        let count = (try? withUnsafeMutableBytes(of: &value) { try lockFile.read(into: $0, at: 0) }) ?? 0
        return count == 8 ? Int64(littleEndian: value) : nil
    }

    private func recordNewestSegment(_ base: Int64) throws {
        var value = base.littleEndian
        try withUnsafeBytes(of: &value) { try lockFile.write($0, at: 0) }
    }

    /// Starts a new segment named by the next offset, then applies retention to the old ones.
    private func roll() throws {
        releaseReservation()
        try recordNewestSegment(nextOffset)
        let file = try PosixFile(path: Segments.path(directory, base: nextOffset), create: true)
        FileSystem.syncDirectory(of: file.path)
        segment = file
        segmentBase = nextOffset
        validEnd = 0
        applyRetention()
    }

    /// Deletes the oldest closed segments past the size limit or older than the age limit.
    /// Readers that have a deleted segment open finish it through their descriptor.
    /// Compacted topics keep everything on the embedded log (see `TopicSettings`).
    func applyRetention() {
        guard spec.cleanup == .delete else { return }
        var bases = Segments.bases(in: directory)
        guard bases.count > 1 else { return }
        bases.removeLast()  // the active segment is never deleted
        var sizes: [Int64: Int64] = [:]
        var total: Int64 = validEnd
        for base in bases {
            let size = (try? PosixFile(path: Segments.path(directory, base: base), readOnly: true).size) ?? 0
            sizes[base] = size
            total += size
        }
        let now = Clock.nowMilliseconds()
        for base in bases {
            let path = Segments.path(directory, base: base)
            var expired = false
            if let limit = spec.retentionBytes, total > limit { expired = true }
            if let age = spec.retentionMilliseconds, let modified = FileSystem.modificationTimeMilliseconds(path), now - modified > age {
                expired = true
            }
            guard expired else { break }
            FileSystem.remove(path)
            total -= sizes[base] ?? 0
        }
    }
}
