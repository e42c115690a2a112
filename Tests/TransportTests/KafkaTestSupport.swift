import Foundation
@testable import KafkaTransport
import Testing
import TouchstoneTestKit
import Transport

/// Why the Kafka tests skip here, or nil when a broker and librdkafka 2.16 are available.
let kafkaSkipReason = TansuBroker.unavailableReason

/// Settings that make Tansu's group joins quick in tests (it waits about half
/// the session timeout for members to join) and crashed members expire fast.
let fastGroupConfig = ["session.timeout.ms": "3000", "heartbeat.interval.ms": "300"]

/// Runs `body` with a fresh Tansu broker and a transport on it.
func withKafka<T>(config: [String: String] = fastGroupConfig, _ body: (KafkaMessageTransport, TansuBroker) async throws -> T) async throws -> T {
    let broker = try await TansuBroker.start()
    defer { broker.stop() }
    let kafka = try KafkaMessageTransport(bootstrapServers: broker.bootstrapServers, config: config, operationTimeout: .seconds(15))
    return try await body(kafka, broker)
}

/// Polls until `count` messages arrived or `timeout` passed.
func drain(_ consumer: any MessageConsumer, count: Int, timeout: Duration = .seconds(20)) async throws -> [ConsumedMessage] {
    var received: [ConsumedMessage] = []
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while received.count < count && clock.now < deadline {
        received += try await consumer.poll(maxMessages: 1000, timeout: .milliseconds(200))
    }
    return received
}

func uniqueTopic(_ prefix: String) -> String { "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())" }

/// Runs a program to completion with librdkafka 2.16 first on the library path; returns stdout.
@discardableResult
func runProgram(_ path: String, _ arguments: [String], stdin: Data? = nil, timeout: TimeInterval = 60) throws -> (status: Int32, stdout: Data, stderr: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    var environment = ProcessInfo.processInfo.environment
    environment["LD_LIBRARY_PATH"] = TansuBroker.libraryPathForChildren
    process.environment = environment
    let output = Pipe(), errors = Pipe(), input = Pipe()
    process.standardOutput = output
    process.standardError = errors
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(stdin) }
    try input.fileHandleForWriting.close()
    // Read both pipes concurrently so a chatty child never blocks on a full pipe.
    let collected = ReadBox()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
        collected.errors = errors.fileHandleForReading.readDataToEndOfFile()
        group.leave()
    }
    let stdout = output.fileHandleForReading.readDataToEndOfFile()
    _ = group.wait(timeout: .now() + timeout)
    process.waitUntilExit()
    return (process.terminationStatus, stdout, String(decoding: collected.errors, as: UTF8.self))
}

private final class ReadBox: @unchecked Sendable { var errors = Data() }
