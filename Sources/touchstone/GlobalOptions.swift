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

    /// The global options are declared on every subcommand, so that each one
    /// lists them in its help. This lets them also stand before the
    /// subcommand, as CLI.md shows (`touchstone --broker kafka://h:9092 topics create`):
    /// leading global options move behind the subcommand's words (before a `--`, if any).
    static func movedAfterSubcommand(_ arguments: [String]) -> [String] {
        let names: Set<String> = ["--data", "--broker", "--kafka-config", "--brands"]
        var leading: [String] = []
        var index = 0
        while index < arguments.count, arguments[index].hasPrefix("--") {
            let argument = arguments[index]
            let name = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
            guard names.contains(name) else { break }
            leading.append(argument)
            if !argument.contains("="), index + 1 < arguments.count {
                leading.append(arguments[index + 1])
                index += 1
            }
            index += 1
        }
        guard !leading.isEmpty else { return arguments }
        var rest = Array(arguments[index...])
        let end = rest.firstIndex(of: "--") ?? rest.endIndex
        rest.insert(contentsOf: leading, at: end)
        return rest
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
