import ArgumentParser
import Foundation
import KafkaTransport
import TouchstoneTestKit
import Transport
#if canImport(Glibc)
import Glibc
#endif

/// `touchstone-bench kafka`: produce and consume N messages through the Kafka
/// transport and through `kcat` (`kcat -P` from a file, `kcat -C -e`) on the
/// same broker in the same run; prints both throughputs and the ratio.
/// Without `--broker` it starts a Tansu broker (in memory) on a free port.
/// Run with librdkafka 2.16 first on the library path for Tansu:
/// `eval "$(scripts/kafka-test-env.sh)"; swift run -c release touchstone-bench kafka`.
struct KafkaBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kafka",
        abstract: "Kafka transport produce/consume throughput vs kcat on the same broker.")

    @Option(help: "kafka://host:port of the broker (default: start Tansu on a free port).") var broker: String?
    @Option(help: "Messages to produce and consume.") var messages = 200_000
    @Option(help: "Bytes per message value.") var size = 200
    @Option(help: "Partitions of the benchmark topics.") var partitions: Int32 = 4
    @Option(help: "The kcat program.") var kcat = "/usr/bin/kcat"
    @Option(help: "Rounds of the four measurements, in turn; the best of each is compared.") var rounds = 3

    func run() async throws {
        var tansu: TansuBroker?
        let servers: String
        if let broker {
            guard broker.hasPrefix("kafka://") else { throw ValidationError("--broker must look like kafka://host:port") }
            servers = String(broker.dropFirst("kafka://".count))
        } else {
            let started = try await TansuBroker.start()
            tansu = started
            servers = started.bootstrapServers
        }
        defer { tansu?.stop() }
        let kafka = try KafkaMessageTransport(bootstrapServers: servers)
        let run = "\(getpid())-\(Int(Date().timeIntervalSince1970))"
        print("kafka: \(messages) messages of \(size) bytes, \(partitions) partitions, broker \(servers)\(tansu == nil ? "" : " (Tansu, in memory)"), librdkafka \(KafkaMessageTransport.librdkafkaVersion), \(rounds) rounds")

        // Printable payloads without newlines, so that kcat can read them as lines.
        let payloads: [[UInt8]] = (0..<1024).map { seed in (0..<size).map { UInt8(33 + ($0 &* 7 &+ seed) % 90) } }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("touchstone-bench-kafka-\(run).txt")
        var text = Data(capacity: messages * (size + 1))
        for i in 0..<messages { text.append(contentsOf: payloads[i & 1023]); text.append(0x0a) }
        try text.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }

        // Rounds of the four measurements in turn, so that a busy spell on a shared machine
        // falls on both sides; the best of each and the per-round ratios are reported.
        var produce: [(mine: Duration, kcat: Duration)] = [], consume: [(mine: Duration, kcat: Duration)] = []
        for round in 0..<max(rounds, 1) {
            let ours = "bench-touchstone-\(run)-\(round)", theirs = "bench-kcat-\(run)-\(round)"
            for topic in [ours, theirs] { try await kafka.createTopic(TopicSpec(name: topic, partitions: partitions)) }

            // Produce: Touchstone, then kcat from a file of the same payloads, same idempotence setting.
            let producer = try await kafka.makeProducer()
            let start = ContinuousClock.now
            for i in 0..<messages { try await producer.send(OutgoingMessage(topic: ours, key: nil, value: payloads[i & 1023])) }
            try await producer.flush()
            let ourProduce = ContinuousClock.now - start
            try await producer.close()
            let kcatProduce = try timeProgram(kcat, ["-b", servers, "-P", "-t", theirs, "-X", "enable.idempotence=true", "-l", file.path])
            produce.append((ourProduce, kcatProduce))

            // Consume: both read the same topic from the beginning to its end.
            let consumer = try await kafka.makeConsumer(topics: [ours], membership: .standalone(start: .earliest))
            let consumeStart = ContinuousClock.now
            var received = 0
            while received < messages {
                let batch = try await consumer.poll(maxMessages: 10_000, timeout: .seconds(10))
                if batch.isEmpty { throw ValidationError("consumer stalled after \(received) of \(messages) messages") }
                received += batch.count
            }
            let ourConsume = ContinuousClock.now - consumeStart
            try await consumer.close()
            let kcatConsume = try timeProgram(kcat, ["-b", servers, "-C", "-t", ours, "-o", "beginning", "-e", "-q"])
            consume.append((ourConsume, kcatConsume))
        }

        print("           touchstone (best)         kcat (best)               ratio of bests   per-round ratios")
        for (name, samples) in [("produce", produce), ("consume", consume)] {
            let mine = samples.map(\.mine).min()!, baseline = samples.map(\.kcat).min()!
            let mineRate = Double(messages) / mine.seconds, baseRate = Double(messages) / baseline.seconds
            let perRound = samples.map { format($0.kcat.seconds / $0.mine.seconds, digits: 2) }.joined(separator: " ")
            print("\(name.padding(toLength: 10, withPad: " ", startingAt: 0)) \(format(mineRate)) msg/s (\(format(mineRate * Double(size) / 1e6, digits: 1)) MB/s)   \(format(baseRate)) msg/s (\(format(baseRate * Double(size) / 1e6, digits: 1)) MB/s)   \(format(mineRate / baseRate, digits: 2))             \(perRound)")
        }
        print("goal: ratio >= 0.80 (kcat times include its process start and connect)")
    }

    /// Runs a program to completion (stdout discarded) and returns its wall time.
    private func timeProgram(_ path: String, _ arguments: [String]) throws -> Duration {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        let start = ContinuousClock.now
        try process.run()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let elapsed = ContinuousClock.now - start
        guard process.terminationStatus == 0 else {
            throw ValidationError("\(path) \(arguments.joined(separator: " ")) failed: \(String(decoding: stderr, as: UTF8.self))")
        }
        return elapsed
    }

    private func format(_ value: Double, digits: Int = 0) -> String { String(format: "%.\(digits)f", value) }
}

