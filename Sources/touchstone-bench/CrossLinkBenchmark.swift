import ArgumentParser
import CrossLink
import Foundation
import GRDB
import Ingest
import Normalize
import TouchstoneCore
import Transport

/// `touchstone-bench cross-link`: findings per second through the cross-link
/// processor with a large state already in place (`--full`: 1,000,000 items),
/// next to the normalize processor's throughput measured in the same run
/// (normalize is the first stage every item passes; the ratio says how far
/// cross-link, the one stage that cannot scale out, lags the pipeline's front).
///
/// The state is preloaded by the real engine (``CrossLinkEngine/ingest(_:)``)
/// in large transactions: what it stores is what processing the same items
/// stores (CrossLinkBulkStateTests compares the two).
struct CrossLinkBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cross-link",
        abstract: "Findings/s through cross-link with a large state (--full: 1M items), and the ratio to normalize's items/s in the same run.")

    @Flag(help: "The acceptance form: 1,000,000 items in the state, 20,000 measured.")
    var full = false

    @Option(help: "Items taken into the state before measuring (default 20,000; --full 1,000,000).")
    var preload: Int?

    @Option(help: "Items measured through the processor (default 5,000; --full 20,000). They link to the preloaded items as the preloaded items link to each other.")
    var measure: Int?

    @Option(help: "Raw lines measured through normalize (default 50,000).")
    var normalizeLines = 50_000

    @Option(help: "Items per preload transaction.")
    var preloadTransaction = 50_000

    @Option(help: "Where to put the state (a temporary folder by default; removed afterwards unless --keep).")
    var directory: String?

    @Flag(help: "Keep the state file.")
    var keep = false

    @Option(help: "Continue a state kept from an earlier run (--keep) that holds this many synthetic items: the generator skips them, so new items still link to them.")
    var resume = 0

    func run() async throws {
        let preload = self.preload ?? (full ? 1_000_000 : 20_000)
        let measure = self.measure ?? (full ? 20_000 : 5_000)
        let folder = URL(fileURLWithPath: directory ?? NSTemporaryDirectory() + "touchstone-bench-cross-link-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { if !keep { try? FileManager.default.removeItem(at: folder) } }
        let path = folder.appendingPathComponent("state.sqlite").path
        var generator = SyntheticItems(seed: 42)
        for _ in 0..<resume { _ = generator.next() }

        // Preload: the real engine, large transactions.
        var clock = ContinuousClock.now
        let preloadCPUStart = cpuSeconds(CLOCK_PROCESS_CPUTIME_ID)
        do {
            let engine = try CrossLinkEngine(path: path)
            for index in 0..<preload {
                _ = try engine.ingest(generator.next())
                if index % preloadTransaction == preloadTransaction - 1 {
                    try engine.commit(offsets: [:])
                }
                if index % 10_000 == 9_999 {
                    let rate = Double(index + 1) / (ContinuousClock.now - clock).seconds
                    FileHandle.standardError.write(Data("\rpreloaded \(index + 1) items (\(Int(rate))/s, \(Int(peakResidentMegabytes())) MB peak RSS)".utf8))
                }
            }
            try engine.commit(offsets: [:])
        }
        let preloadSeconds = (ContinuousClock.now - clock).seconds
        let preloadCPU = cpuSeconds(CLOCK_PROCESS_CPUTIME_ID) - preloadCPUStart
        FileHandle.standardError.write(Data("\n".utf8))
        let preloadPeak = peakResidentMegabytes()

        let messages = try (0..<measure).map { index in
            let item = generator.next()
            return ConsumedMessage(
                topic: TopicName.itemsMatched, partition: Int32(index % 6), offset: Int64(index), key: Array(item.key.utf8),
                value: try TopicJSON.encode(item), headers: [], timestamp: 0)
        }

        // Cross-link: a fresh processor on the preloaded state, batches of 500 as StageRunner hands them.
        clock = .now
        let stage = try CrossLinkProcessor(statePath: path)
        let openSeconds = (ContinuousClock.now - clock).seconds
        clock = .now
        let crossLinkCPUStart = cpuSeconds(CLOCK_PROCESS_CPUTIME_ID)
        var findings = 0
        var findingsBytes = 0
        var largestOutput = 0
        var batch: [TopicPartition: Int64] = [:]
        for (index, message) in messages.enumerated() {
            let outputs = try await stage.process(message)
            findings += outputs.count
            let bytes = outputs.reduce(0) { $0 + $1.value.count }
            findingsBytes += bytes
            largestOutput = max(largestOutput, bytes)
            batch[message.position] = message.offset + 1
            if index % 500 == 499 {
                try await stage.batchDidComplete(batch)
                batch = [:]
            }
        }
        try await stage.batchDidComplete(batch)
        let crossLinkSeconds = (ContinuousClock.now - clock).seconds
        let crossLinkCPU = cpuSeconds(CLOCK_PROCESS_CPUTIME_ID) - crossLinkCPUStart

        // Normalize, same run: raw lines of the same platforms as ingest hands them over.
        let normalize = NormalizeProcessor()
        let capturedAt = Timestamp.now()
        let raw = SampleCorpus.make(count: normalizeLines).enumerated().compactMap { index, line -> ConsumedMessage? in
            guard case .published(let message) = LineIngester(platform: line.platform, source: "bench").disposition(
                of: line.line, number: index + 1, capturedAt: capturedAt) else { return nil }
            return ConsumedMessage(topic: message.topic, partition: 0, offset: Int64(index), key: message.key, value: message.value,
                                   headers: message.headers, timestamp: 0)
        }
        clock = .now
        let normalizeCPUStart = cpuSeconds(CLOCK_PROCESS_CPUTIME_ID)
        var normalized = 0
        for message in raw { normalized += try normalize.outputs(for: message).count }
        let normalizeSeconds = (ContinuousClock.now - clock).seconds
        let normalizeCPU = cpuSeconds(CLOCK_PROCESS_CPUTIME_ID) - normalizeCPUStart

        let stateBytes = try FileManager.default.contentsOfDirectory(atPath: folder.path).reduce(0) { total, name in
            let attributes = try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(name).path)
            return total + ((attributes[.size] as? Int) ?? 0)
        }
        let counts = try await DatabaseQueue(path: path, configuration: readOnly()).read { db in
            (items: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM item") ?? 0,
             keys: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM link_key") ?? 0,
             edges: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM edge") ?? 0,
             largest: try Int.fetchOne(db, sql: "SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM item GROUP BY cluster)") ?? 0)
        }
        let variants = await stage.handleVariantCount

        let findingsPerSecond = Double(findings) / crossLinkSeconds
        let normalizePerSecond = Double(normalized) / normalizeSeconds
        if resume > 0 { print("cross-link benchmark: continuing a kept state of \(resume) items") }
        print("cross-link benchmark: \(preload) items preloaded in \(format(preloadSeconds)) s (\(format(preloadCPU)) s CPU; \(Int(Double(preload) / preloadSeconds)) items/s, transactions of \(preloadTransaction)); state reopened in \(format(openSeconds)) s")
        print("  state: \(counts.items) items, \(counts.keys) stored link keys, \(variants) handle variants in memory, \(counts.edges) edges, largest cluster \(counts.largest); \(stateBytes / 1_048_576) MiB on disk")
        print("  cross-link: \(measure) items -> \(findings) findings (\(findings - measure) for cluster members re-judged) in \(format(crossLinkSeconds)) s wall, \(format(crossLinkCPU)) s CPU")
        print("  findings bytes: \(findingsBytes / max(1, findings)) per findings, \(findingsBytes / max(1, measure)) per item taken in, at most \(largestOutput) for one item (a cluster re-judged)")
        print("  cross-link: \(Int(Double(measure) / crossLinkSeconds)) items/s, \(Int(findingsPerSecond)) findings/s (\(Int(Double(findings) / crossLinkCPU)) findings per CPU second)")
        print("  normalize (same run, \(raw.count) raw lines of 9 platforms): \(normalized) items in \(format(normalizeSeconds)) s wall, \(format(normalizeCPU)) s CPU: \(Int(normalizePerSecond)) items/s (\(Int(Double(normalized) / normalizeCPU)) per CPU second)")
        print("  ratio cross-link findings/s / normalize items/s: \(String(format: "%.3f", findingsPerSecond / normalizePerSecond)) wall, \(String(format: "%.3f", (Double(findings) / crossLinkCPU) / (Double(normalized) / normalizeCPU))) CPU")
        print("  peak RSS: \(Int(preloadPeak)) MB after preload, \(Int(peakResidentMegabytes())) MB at the end")

        // Findings amplification: every member whose findings changed is re-emitted with the cluster's edges.
        let growth = try clusterGrowth(upTo: 100, reporting: [10, 25, 50, 100])
        print("  cluster growth (a chain of items sharing phone numbers; what the k-th member joining emits):")
        for row in growth {
            print("    k = \(row.size): \(row.findings) findings, \(row.bytes / 1024) KiB (\(row.bytes / row.findings) bytes each)")
        }
    }

    /// Grows one cluster to `size` members, each joining through a phone number it shares with the one before.
    func clusterGrowth(upTo size: Int, reporting: Set<Int>) throws -> [(size: Int, findings: Int, bytes: Int)] {
        let engine = try CrossLinkEngine(path: nil)
        var rows: [(size: Int, findings: Int, bytes: Int)] = []
        for k in 1...size {
            var item = Item(platform: k % 2 == 0 ? "amazon" : "instagram", itemID: "chain\(k)", kind: k % 2 == 0 ? .listing : .post,
                            account: Account(handle: "chainseller\(k)"), text: "Chain item \(k) about a bracelet")
            item.contacts = [Contact(kind: .whatsapp, value: "+1555\(2_000_000 + k)"), Contact(kind: .whatsapp, value: "+1555\(2_000_000 + k + 1)")]
            if k == 1 { item.signals = [Signal(brand: "cartier", signal: .brandTerm, rule: "exact", matched: "Cartier")] }
            let outputs = try engine.ingest(item)
            if reporting.contains(k) {
                rows.append((k, outputs.count, try outputs.reduce(0) { $0 + (try TopicJSON.encode($1)).count }))
            }
        }
        return rows
    }

    func readOnly() -> Configuration {
        var configuration = Configuration()
        configuration.readonly = true
        return configuration
    }

    func format(_ value: Double) -> String { String(format: "%.2f", value) }

    func peakResidentMegabytes() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}
