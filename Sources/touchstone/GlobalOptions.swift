import ArgumentParser
import EmbeddedLog
import Foundation
import KafkaTransport
import Transport

/// The options every subcommand takes (CLI.md).
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Where the embedded log, the SQLite view and caches live (default ./touchstone-data, or $TOUCHSTONE_DATA).")
    var data: String?

    @Option(name: .long, help: "kafka://host:port[,host:port...] runs on Kafka instead of the embedded log (or $TOUCHSTONE_BROKER).")
    var broker: String?

    @Option(name: .customLong("kafka-config"), help: "An extra librdkafka setting, key=value (repeatable).")
    var kafkaConfig: [String] = []

    @Option(name: .long, help: "Folder of brand watch profiles (default ./brands).")
    var brands: String = "brands"

    var dataDirectory: URL {
        let path = data ?? ProcessInfo.processInfo.environment["TOUCHSTONE_DATA"] ?? "touchstone-data"
        return URL(fileURLWithPath: path, isDirectory: true)
    }

    var brandsDirectory: URL { URL(fileURLWithPath: brands, isDirectory: true) }

    /// The broker URL in force, from `--broker` or `$TOUCHSTONE_BROKER`.
    var brokerURL: String? {
        if let broker, !broker.isEmpty { return broker }
        if let env = ProcessInfo.processInfo.environment["TOUCHSTONE_BROKER"], !env.isEmpty { return env }
        return nil
    }

    /// The transport these options select: Kafka when a broker is given, else the embedded log under `--data`.
    func makeTransport() throws -> any MessageTransport {
        guard let url = brokerURL else {
            return try EmbeddedLogTransport(directory: dataDirectory.appendingPathComponent("log", isDirectory: true))
        }
        let prefix = "kafka://"
        guard url.hasPrefix(prefix), url.count > prefix.count else {
            throw ValidationError("--broker must look like kafka://host:port[,host:port...], got '\(url)'")
        }
        var config: [String: String] = [:]
        for entry in kafkaConfig {
            guard let eq = entry.firstIndex(of: "="), eq != entry.startIndex else {
                throw ValidationError("--kafka-config takes key=value, got '\(entry)'")
            }
            config[String(entry[..<eq])] = String(entry[entry.index(after: eq)...])
        }
        return try KafkaMessageTransport(bootstrapServers: String(url.dropFirst(prefix.count)), config: config)
    }
}

import Pipeline

extension GlobalOptions {
    func makeEnvironment() async throws -> PipelineEnvironment {
        PipelineEnvironment(transport: try makeTransport(), dataDirectory: dataDirectory, brandsDirectory: brandsDirectory)
    }
}
