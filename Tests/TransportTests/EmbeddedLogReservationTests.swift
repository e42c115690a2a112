import Foundation
import Testing
@testable import EmbeddedLog
import Transport
#if canImport(Glibc)
import Glibc
#endif

/// The producer reserves disk blocks ahead of its writes in the newest segment
/// (`fallocate`, size unchanged). What it leaves unused must come back: when the
/// segment rolls, when the producer goes away, and when an appender opens a segment
/// a crashed one left with a reservation. On real files on this machine's disk;
/// skipped where the file system cannot reserve.
@Suite struct EmbeddedLogReservationTests {
    /// Bytes of disk blocks the file holds (`st_blocks` counts 512-byte units).
    static func allocated(_ path: String) -> Int64 {
        var info = stat()
        guard stat(path, &info) == 0 else { return -1 }
        return Int64(info.st_blocks) * 512
    }

    static func size(_ path: String) -> Int64 {
        (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int64) ?? -1
    }

    /// Whether this file system reserves blocks past the end of a file.
    static func canReserve(in directory: URL) throws -> Bool {
        let path = directory.appendingPathComponent("probe").path
        let file = try PosixFile(path: path, create: true)
        file.reserve(0..<(1 << 20))
        defer { unlink(path) }
        return allocated(path) >= 1 << 20
    }

    /// Slack for a file's last partly filled block and what ext4 allocates beside the data
    /// (extent blocks); far below the 1 MiB the smallest reservation step holds.
    static let slack: Int64 = 256 << 10

    @Test func reservationsAreGivenBackOnRollAndClose() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("touchstone-reserve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        guard try Self.canReserve(in: directory) else { return }

        var options = EmbeddedLogOptions()
        options.segmentBytes = 3 << 20  // several segments from a few MiB
        options.syncOnFlush = false
        let transport = try EmbeddedLogTransport(directory: directory.appendingPathComponent("log"), options: options)
        let topic = "reserved"
        try await transport.createTopic(TopicSpec(name: topic, partitions: 1))
        let partition = directory.appendingPathComponent("log/topics/\(topic)/0").path
        do {
            let producer = try await transport.makeProducer()
            let value = [UInt8](repeating: 7, count: 1000)
            try await producer.send(contentsOf: (0..<10_000).map { _ in OutgoingMessage(topic: topic, key: nil, value: value, partition: 0) })
            try await producer.flush()
            // While the producer is open, the newest segment holds a reservation past its end.
            let newest = Segments.path(partition, base: Segments.bases(in: partition).last!)
            #expect(Self.allocated(newest) > Self.size(newest) + Self.slack, "no reservation ahead of the writes")
            // Closed segments hold none.
            for base in Segments.bases(in: partition).dropLast() {
                let path = Segments.path(partition, base: base)
                #expect(Self.allocated(path) <= Self.size(path) + Self.slack, "segment \(base): \(Self.allocated(path)) bytes allocated for \(Self.size(path))")
            }
            try await producer.close()
        }
        // The producer is gone: nothing reserved anywhere.
        let bases = Segments.bases(in: partition)
        #expect(bases.count >= 3)
        for base in bases {
            let path = Segments.path(partition, base: base)
            #expect(Self.allocated(path) <= Self.size(path) + Self.slack, "segment \(base): \(Self.allocated(path)) bytes allocated for \(Self.size(path))")
        }
        // And every record reads back.
        let consumer = try await transport.makeConsumer(topics: [topic], membership: .standalone(start: .earliest))
        var read = 0
        while true {
            let batch = try await consumer.poll(maxMessages: 5000, timeout: .milliseconds(20))
            if batch.isEmpty { break }
            read += batch.count
        }
        try await consumer.close()
        #expect(read == 10_000)
    }

    /// Giving a reservation back keeps the file's modification time: retention by age reads it,
    /// and a segment rolled long after its last write must not look new.
    @Test func givingBackKeepsTheModificationTime() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("touchstone-reserve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        guard try Self.canReserve(in: directory) else { return }
        let path = directory.appendingPathComponent("segment").path
        let file = try PosixFile(path: path, create: true)
        try [UInt8](repeating: 1, count: 5000).withUnsafeBytes { try file.write($0, at: 0) }
        file.reserve(5000..<(4 << 20))
        #expect(Self.allocated(path) >= 4 << 20)
        // Reserving counts as a change (the write after it would too); the segment then sits.
        let past = Date(timeIntervalSince1970: 1_600_000_000)
        try FileManager.default.setAttributes([.modificationDate: past], ofItemAtPath: path)
        try file.releaseReservation()
        #expect(Self.allocated(path) <= Self.slack)
        #expect(Self.size(path) == 5000)
        let modified = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date
        #expect(modified == past)
    }

    @Test func aCrashedAppendersReservationIsGivenBackOnOpen() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("touchstone-reserve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        guard try Self.canReserve(in: directory) else { return }

        let transport = try EmbeddedLogTransport(directory: directory.appendingPathComponent("log"))
        let topic = "crashed"
        try await transport.createTopic(TopicSpec(name: topic, partitions: 1))
        let producer = try await transport.makeProducer()
        try await producer.send(OutgoingMessage(topic: topic, key: nil, value: [1, 2, 3], partition: 0))
        try await producer.close()
        // What a killed appender leaves: 8 MiB reserved past the end of the segment.
        let partition = directory.appendingPathComponent("log/topics/\(topic)/0").path
        let segment = Segments.path(partition, base: 0)
        let size = Self.size(segment)
        try PosixFile(path: segment).reserve(size..<(size + (8 << 20)))
        #expect(Self.allocated(segment) >= 8 << 20)

        let next = try await transport.makeProducer()
        try await next.send(OutgoingMessage(topic: topic, key: nil, value: [4, 5, 6], partition: 0))
        try await next.close()
        #expect(Self.allocated(segment) <= Self.size(segment) + Self.slack, "\(Self.allocated(segment)) bytes allocated for \(Self.size(segment))")
        #expect(Self.size(segment) > size)
    }
}
