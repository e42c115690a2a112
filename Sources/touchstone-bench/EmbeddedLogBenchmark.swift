import ArgumentParser
import CFileSpace
import EmbeddedLog
import Foundation
import Transport
#if canImport(Glibc)
import Glibc
#endif

/// `touchstone-bench embedded-log`: append and read N records of 200 bytes
/// through the embedded log, against a raw sequential write and read of the
/// same bytes in the same folder, in the same run. Also: how fast a consumer
/// waiting at the end sees a new message, and what waiting costs in CPU.
struct EmbeddedLogBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embedded-log",
        abstract: "Embedded log append/read throughput vs raw sequential file I/O on the same disk.")

    @Option(help: "Records to append and read.") var records = 1_000_000
    @Option(help: "Bytes per record value.") var size = 200
    @Option(help: "Folder on the disk to measure (default: the current folder).") var directory: String = FileManager.default.currentDirectoryPath
    @Option(help: "Rounds of raw write, append and batched append, interleaved; the best and the median round of each are reported (on a shared machine single rounds are slowed by other work).")
    var rounds = 5

    /// Wall and CPU seconds of one measured section.
    struct Sample { var wall: Double; var cpu: Double }

    func run() async throws {
        let root = URL(fileURLWithPath: directory).appendingPathComponent("touchstone-bench-\(getpid())")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let value = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let payloadBytes = Double(records * size)
        print("embedded-log: \(records) records of \(size) bytes in \(root.path), \(rounds) rounds")

        // Raw baseline: the same payload bytes, written and read sequentially in 256 KiB chunks.
        let rawPath = root.appendingPathComponent("raw.bin").path
        let chunk = [UInt8](repeating: 0, count: 256 << 10).enumerated().map { value[$0.offset % size] }
        // The embedded log: one partition, fsync per batch off (the page cache, as the raw write).
        var options = EmbeddedLogOptions()
        options.syncOnFlush = false
        let transport = try EmbeddedLogTransport(directory: root.appendingPathComponent("log"), options: options)
        var rawWrites: [Sample] = [], reservedRawWrites: [Sample] = [], appends: [Sample] = [], batchedAppends: [Sample] = []
        var topic = ""
        /// The raw write; with `reserve`, the file's blocks are reserved first, as the log does for its segments.
        func rawWrite(reserve: Bool) throws -> Sample {
            unlink(rawPath)  // a new file each round, as each round's log segments are
            return try measure {
                let fd = open(rawPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
                defer { close(fd) }
                if reserve { _ = touchstone_reserve_file_space(fd, 0, Int64(records * size)) }
                var remaining = records * size
                while remaining > 0 {
                    let n = min(remaining, chunk.count)
                    let written = chunk.withUnsafeBytes { write(fd, $0.baseAddress, n) }
                    guard written == n else { throw ValidationError("raw write failed") }
                    remaining -= n
                }
            }
        }
        for round in 0..<max(rounds, 1) {
            reservedRawWrites.append(try rawWrite(reserve: true))
            rawWrites.append(try rawWrite(reserve: false))
            // Only the last round's topics are kept (for the read); older ones free their page cache.
            for old in [topic, "\(topic)-batched"] where !topic.isEmpty {
                try FileManager.default.removeItem(at: root.appendingPathComponent("log/topics/\(old)"))
            }
            topic = "bench-\(round)"
            try await transport.createTopic(TopicSpec(name: topic, partitions: 1))
            let producer = try await transport.makeProducer()
            appends.append(try await measureAsync {
                try await Self.appendAll(producer, topic: topic, value: value, records: records)
            })
            try await producer.close()
            // The same records through `send(contentsOf:)`, 1,000 per call, into a second topic.
            try await transport.createTopic(TopicSpec(name: "\(topic)-batched", partitions: 1))
            let batchProducer = try await transport.makeProducer()
            batchedAppends.append(try await measureAsync {
                try await Self.appendAllBatched(batchProducer, topic: "\(topic)-batched", value: value, records: records)
            })
            try await batchProducer.close()
        }
        var checksum: UInt64 = 0
        let rawRead = try measure {
            let fd = open(rawPath, O_RDONLY)
            defer { close(fd) }
            var buffer = [UInt8](repeating: 0, count: 256 << 10)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n <= 0 { break }
                // Touch one byte per record, as a reader of records would at least do.
                var i = 0
                while i < n { checksum &+= UInt64(buffer[i]); i += size }
            }
        }
        let consumer = try await transport.makeConsumer(topics: [topic], membership: .standalone(start: .earliest))
        let logRead = try await measureAsync {
            (_, checksum) = try await Self.readAll(consumer, records: records, checksum: checksum)
        }
        try await consumer.close()
        let logBytes = Double(try FileManager.default.allocatedSizeOfDirectory(at: root.appendingPathComponent("log/topics/\(topic)/0")))

        func mb(_ seconds: Double) -> String { String(format: "%.0f MB/s", payloadBytes / seconds / 1e6) }
        func rate(_ seconds: Double) -> String { String(format: "%.2fM records/s", Double(records) / seconds / 1e6) }
        func best(_ samples: [Sample]) -> Sample { samples.min { $0.wall < $1.wall }! }
        func median(_ samples: [Sample]) -> Sample { samples.sorted { $0.wall < $1.wall }[samples.count / 2] }
        func line(_ name: String, _ samples: [Sample]) {
            let b = best(samples), m = median(samples)
            print(String(format: "%@ best %.3f s (%@, %@), median %.3f s, CPU %.3f s", name, b.wall, mb(b.wall), rate(b.wall), m.wall, b.cpu))
        }
        func ratio(_ name: String, _ samples: [Sample], _ note: String, against baseline: [Sample]? = nil) {
            let baseline = baseline ?? rawWrites
            print(String(format: "%@: best %.2f, median %.2f  %@   CPU seconds: log %.3f, raw %.3f",
                         name, best(baseline).wall / best(samples).wall, median(baseline).wall / median(samples).wall,
                         note, best(samples).cpu, best(baseline).cpu))
        }
        line("raw write    ", rawWrites)
        line("raw write into reserved blocks (fallocate first, as the log reserves its segments' blocks)", reservedRawWrites)
        line("log append, send(contentsOf:) 1,000 at a time", batchedAppends)
        line("log append, one send per message", appends)
        print(String(format: "%.0f bytes on disk per record (frame: length, CRC-32C, timestamp, key and value lengths, header count)", logBytes / Double(records)))
        ratio("append bandwidth / raw write (batched sends, as pipeline stages send)", batchedAppends, "(goal >= 0.50)")
        ratio("the same / raw write into reserved blocks (for reference)", batchedAppends, "", against: reservedRawWrites)
        ratio("append bandwidth / raw write, one send per message (the cost of a call)", appends, "")
        print("CRC-32C: \(CRC32C.usesHardware ? "the CPU's instruction" : "table-driven (no CPU instruction)")")
        print(String(format: "raw read      %.3f s  %@  %@", rawRead.wall, mb(rawRead.wall), rate(rawRead.wall)))
        print(String(format: "log read      %.3f s  %@  %@  (goal >= 1M records/s)", logRead.wall, mb(logRead.wall), rate(logRead.wall)))
        print(String(format: "read / raw read throughput: %.2f   CPU seconds: log %.3f, raw %.3f", rawRead.wall / logRead.wall, logRead.cpu, rawRead.cpu))
        print(String(format: "load average while measuring: %.1f on %d cores (wall times include waiting for a core)", loadAverage(), ProcessInfo.processInfo.activeProcessorCount))

        try await measureTailLatency(transport)
        _ = checksum
    }

    /// The measured loops run off the main actor (the command's `run` is main-actor isolated),
    /// as a pipeline stage does: no executor hop per call.
    nonisolated static func appendAll(_ producer: any MessageProducer, topic: String, value: [UInt8], records: Int) async throws {
        for _ in 0..<records {
            try await producer.send(OutgoingMessage(topic: topic, key: nil, value: value, partition: 0))
        }
        try await producer.flush()
    }

    nonisolated static func appendAllBatched(_ producer: any MessageProducer, topic: String, value: [UInt8], records: Int) async throws {
        let batch = [OutgoingMessage](repeating: OutgoingMessage(topic: topic, key: nil, value: value, partition: 0), count: 1_000)
        var sent = 0
        while sent < records {
            let count = min(batch.count, records - sent)
            try await producer.send(contentsOf: count == batch.count ? batch : Array(batch[0..<count]))
            sent += count
        }
        try await producer.flush()
    }

    nonisolated static func readAll(_ consumer: any MessageConsumer, records: Int, checksum: UInt64) async throws -> (Int, UInt64) {
        var received = 0
        var checksum = checksum
        while received < records {
            let batch = try await consumer.poll(maxMessages: 10_000, timeout: .seconds(5))
            guard !batch.isEmpty else { throw ValidationError("read stalled at \(received) records") }
            for message in batch { checksum &+= UInt64(message.value[0]) }
            received += batch.count
        }
        return (received, checksum)
    }

    /// A consumer waiting at the end: how long until it sees a new message, and its CPU while idle.
    func measureTailLatency(_ transport: EmbeddedLogTransport) async throws {
        let topic = "latency"
        try await transport.createTopic(TopicSpec(name: topic, partitions: 1))
        let consumer = try await transport.makeConsumer(topics: [topic], membership: .standalone(start: .latest))
        let producer = try await transport.makeProducer()
        // Idle cost: poll an empty topic for 2 s and read this process's CPU time.
        let cpuBefore = cpuSeconds(CLOCK_PROCESS_CPUTIME_ID)
        let idleStart = ContinuousClock.now
        while ContinuousClock.now - idleStart < .seconds(2) {
            _ = try await consumer.poll(maxMessages: 1, timeout: .milliseconds(500))
        }
        let idleCPU = (cpuSeconds(CLOCK_PROCESS_CPUTIME_ID) - cpuBefore) / 2
        // Latency: send one message at a time after a random pause, the consumer already waiting.
        var latencies: [Double] = []
        for _ in 0..<40 {
            async let got = consumer.poll(maxMessages: 1, timeout: .seconds(2))
            try await Task.sleep(for: .milliseconds(Int.random(in: 20...60)))
            let sent = ContinuousClock.now
            try await producer.send(OutgoingMessage(topic: topic, key: nil, value: [1], partition: 0))
            try await producer.flush()
            let batch = try await got
            if !batch.isEmpty { latencies.append(Double((ContinuousClock.now - sent).components.attoseconds) / 1e15 + Double((ContinuousClock.now - sent).components.seconds) * 1000) }
        }
        try await producer.close()
        try await consumer.close()
        latencies.sort()
        guard !latencies.isEmpty else { print("tail latency: no message arrived"); return }
        print(String(format: "tail latency (send+flush to poll return, %d samples): median %.1f ms, p95 %.1f ms, max %.1f ms  (goal < 100 ms)",
                     latencies.count, latencies[latencies.count / 2], latencies[latencies.count * 95 / 100], latencies.last!))
        print(String(format: "idle consumer CPU: %.1f%% of one core while waiting at the end", idleCPU * 100))
    }

    func loadAverage() -> Double {
        var loads = [Double](repeating: 0, count: 3)
        return getloadavg(&loads, 3) > 0 ? loads[0] : -1
    }


    /// Wall and CPU seconds (this process) of `body`.
    func measure(_ body: () throws -> Void) throws -> Sample {
        let cpu = cpuSeconds(CLOCK_PROCESS_CPUTIME_ID)
        let start = ContinuousClock.now
        try body()
        return Sample(wall: (ContinuousClock.now - start).seconds, cpu: cpuSeconds(CLOCK_PROCESS_CPUTIME_ID) - cpu)
    }

    func measureAsync(_ body: () async throws -> Void) async throws -> Sample {
        let cpu = cpuSeconds(CLOCK_PROCESS_CPUTIME_ID)
        let start = ContinuousClock.now
        try await body()
        return Sample(wall: (ContinuousClock.now - start).seconds, cpu: cpuSeconds(CLOCK_PROCESS_CPUTIME_ID) - cpu)
    }
}

extension FileManager {
    func allocatedSizeOfDirectory(at url: URL) throws -> Int {
        try contentsOfDirectory(atPath: url.path).reduce(0) { sum, name in
            sum + ((try? attributesOfItem(atPath: url.appendingPathComponent(name).path)[.size] as? Int) ?? 0)
        }
    }
}
