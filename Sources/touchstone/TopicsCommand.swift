import ArgumentParser
import Dispatch
import Foundation
import TouchstoneCore
import Transport

/// `touchstone topics create|list|describe|produce|tail` (CLI.md), on whichever
/// transport the global options select.
struct TopicsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topics",
        abstract: "Create, inspect, publish to and read topics.",
        subcommands: [Create.self, List.self, Describe.self, Produce.self, Tail.self]
    )

    /// A failure to report on stderr with exit code 1.
    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    static func printError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply the topics/ definitions (./topics, else the built-in ones); with NAME, create that extra topic.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "An extra topic to create (it gets no schema).") var name: String?
        @Option(help: "Partitions of the extra topic.") var partitions: Int32 = 1

        func validate() throws {
            guard partitions > 0 else { throw ValidationError("--partitions must be at least 1") }
        }

        func run() async throws {
            let transport = try global.makeTransport()
            if let name {
                try await transport.createTopic(TopicSpec(name: name, partitions: partitions))
                print("topic \(name): \(partitions) partition(s)")
                return
            }
            let definitions = try TopicCatalog.standard()
            for definition in definitions {
                try await transport.createTopic(definition.spec)
            }
            print("applied \(definitions.count) topic definitions: \(definitions.map(\.name).joined(separator: ", "))")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show topics with their partitions and message counts.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let transport = try global.makeTransport()
            let topics = try await transport.describeTopics().sorted { $0.name < $1.name }
            if topics.isEmpty {
                TopicsCommand.printError("no topics yet: run `touchstone topics create`")
                return
            }
            let width = topics.map(\.name.count).max() ?? 0
            for topic in topics {
                let messages = topic.partitions.reduce(Int64(0)) { $0 + $1.high - $1.low }
                print("\(topic.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(topic.partitions.count) partitions  \(messages) messages")
            }
        }
    }

    struct Describe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show partitions, offsets and each group's committed offsets and lag.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Only this topic.") var name: String?

        func run() async throws {
            let transport = try global.makeTransport()
            var topics = try await transport.describeTopics().sorted { $0.name < $1.name }
            if let name {
                topics = topics.filter { $0.name == name }
                guard !topics.isEmpty else { throw Failure("topic '\(name)' does not exist: create it with `touchstone topics create`") }
            }
            let definitions = Dictionary((try? TopicCatalog.standard())?.map { ($0.name, $0) } ?? [], uniquingKeysWith: { a, _ in a })
            let groups = try await transport.listGroups()
            for topic in topics {
                var header = "topic \(topic.name)  partitions \(topic.partitions.count)"
                if let definition = definitions[topic.name] {
                    header += "  key \(definition.key)  cleanup \(definition.spec.cleanup.rawValue)  schema v\(definition.schemaVersion)"
                }
                print(header)
                print("  partition        low       high")
                for partition in topic.partitions {
                    print("  \(pad(partition.partition, 9)) \(pad(partition.low, 10)) \(pad(partition.high, 10))")
                }
                for group in groups {
                    let committed = try await transport.committedOffsets(group: group, topic: topic.name)
                    guard !committed.isEmpty else { continue }
                    let lag = try await transport.lag(group: group, topic: topic.name)
                    let positions = topic.partitions.map { "\($0.partition):\(committed[$0.partition].map(String.init) ?? "-")" }
                    print("  group \(group)  lag \(lag)  committed \(positions.joined(separator: " "))")
                }
            }
        }

        func pad<T>(_ value: T, _ width: Int) -> String {
            let text = "\(value)"
            return String(repeating: " ", count: max(0, width - text.count)) + text
        }
    }

    struct Produce: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publish NDJSON from stdin, one message per line, checked against the topic's schema.",
            discussion: """
            A line that is not JSON or breaks the topic's schema is reported on stderr with its line number \
            and reason and is not published; the other lines are (exit code 1 if any line failed). With \
            --atomic nothing is published unless every line is good. Blank lines are skipped.
            """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The topic to publish to.") var topic: String
        @Option(name: .customLong("key-field"), help: "Field(s) that make the message key, dotted paths joined by commas (platform,item_id gives platform:item_id). Default: the topic's contract key.")
        var keyField: String?
        @Flag(help: "Publish nothing if any line is bad.") var atomic = false
        @Option(name: .customLong("header"), help: "A header name=value for every message (repeatable).") var headers: [String] = []

        func run() async throws {
            let transport = try global.makeTransport()
            let definition = try TopicCatalog.standard().first { $0.name == topic }
            guard try await transport.describeTopics().contains(where: { $0.name == topic }) else {
                throw Failure("topic '\(topic)' does not exist: create it with `touchstone topics create`")
            }
            let keyPaths = (keyField ?? Self.defaultKeyFields[topic] ?? "").split(separator: ",").map { $0.split(separator: ".").map(String.init) }
            var fixedHeaders: [MessageHeader] = []
            for header in headers {
                guard let eq = header.firstIndex(of: "="), eq != header.startIndex else {
                    throw ValidationError("--header takes name=value, got '\(header)'")
                }
                fixedHeaders.append(MessageHeader(name: String(header[..<eq]), text: String(header[header.index(after: eq)...])))
            }
            let isRaw = topic == TopicName.rawPosts || topic == TopicName.rawListings

            let producer = try await transport.makeProducer()
            var pending: [OutgoingMessage] = []
            var published = 0
            var failed = 0
            let reader = StandardInputLines()
            while let (number, line) = await reader.next() {
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
                let bytes = line.last == 0x0D ? Array(line.dropLast()) : line
                do {
                    let document: JSONValue
                    do {
                        document = try JSONValue.parse(bytes)
                    } catch {
                        throw SchemaViolation(path: "$", reason: "not JSON: \(error)")
                    }
                    try definition?.valueSchema.validate(document)
                    let key = try Self.key(of: document, paths: keyPaths)
                    var messageHeaders = fixedHeaders
                    if isRaw {
                        messageHeaders += [
                            MessageHeader(name: RawHeader.sha256, text: SHA256Hex.of(bytes)),
                            MessageHeader(name: RawHeader.source, text: "stdin"),
                            MessageHeader(name: RawHeader.line, text: "\(number)"),
                            MessageHeader(name: RawHeader.capturedAt, text: Timestamp.now()),
                        ]
                    }
                    let message = OutgoingMessage(topic: topic, key: key, value: bytes, headers: messageHeaders)
                    if atomic {
                        pending.append(message)
                    } else {
                        try await producer.send(message)
                        published += 1
                    }
                } catch let error as SchemaViolation {
                    failed += 1
                    TopicsCommand.printError("line \(number): \(error)")
                }
            }
            if atomic && failed == 0 {
                for message in pending { try await producer.send(message) }
                published = pending.count
            }
            try await producer.close()
            if atomic && failed > 0 {
                throw Failure("published nothing to \(topic): \(failed) line(s) failed and --atomic was given")
            }
            TopicsCommand.printError("published \(published) message(s) to \(topic)" + (failed > 0 ? "; \(failed) line(s) failed" : ""))
            if failed > 0 { throw ExitCode.failure }
        }

        /// The contract key of each topic (topics/*.json `key`), as field paths.
        static let defaultKeyFields: [String: String] = [
            TopicName.rawPosts: "", TopicName.rawListings: "",
            TopicName.items: "platform,item_id", TopicName.itemsHashed: "platform,item_id", TopicName.itemsMatched: "platform,item_id",
            TopicName.findings: "item.platform,item.item_id",
            TopicName.alerts: "brand,platform,item_id", TopicName.decisions: "brand,platform,item_id",
        ]

        static func key(of document: JSONValue, paths: [[String]]) throws -> [UInt8]? {
            guard !paths.isEmpty else { return nil }
            var parts: [String] = []
            for path in paths {
                var value: JSONValue? = document
                for name in path { value = value?[name] }
                switch value {
                case .string(let text)?: parts.append(text)
                case .number(let text)?: parts.append(text)
                case .bool(let flag)?: parts.append("\(flag)")
                default:
                    throw SchemaViolation(path: "$." + path.joined(separator: "."), reason: "key field is missing or not a string or number")
                }
            }
            return Array(parts.joined(separator: ":").utf8)
        }
    }

    struct Tail: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print message values as NDJSON; stop after --count, or at the end of every partition with --exit-at-end.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The topic to read.") var topic: String
        @Flag(name: .customLong("from-beginning"), help: "Start at the oldest message (default: only new ones).") var fromBeginning = false
        @Option(help: "Read as a member of this consumer group, committing after each printed batch.") var group: String?
        @Option(help: "Stop after this many messages.") var count: Int?
        @Flag(name: .customLong("exit-at-end"), help: "Stop once every partition is read to its end.") var exitAtEnd = false

        func validate() throws {
            if let count, count < 1 { throw ValidationError("--count must be at least 1") }
        }

        func run() async throws {
            let transport = try global.makeTransport()
            let start: StartPosition = fromBeginning ? .earliest : .latest
            guard let initial = try await transport.describeTopics().first(where: { $0.name == topic }) else {
                throw Failure("topic '\(topic)' does not exist: create it with `touchstone topics create`")
            }
            let membership: ConsumerMembership = group.map { .group($0, start: start) } ?? .standalone(start: start)
            let consumer = try await transport.makeConsumer(topics: [topic], membership: membership)
            let startHigh = Dictionary(uniqueKeysWithValues: initial.partitions.map { ($0.partition, $0.high) })
            var next: [Int32: Int64] = [:]
            var printed = 0
            do {
                while count.map({ printed < $0 }) ?? true {
                    let limit = min(500, (count ?? Int.max) - printed)
                    let batch = try await consumer.poll(maxMessages: limit, timeout: .milliseconds(200))
                    if batch.isEmpty {
                        if exitAtEnd, try await atEnd(transport, consumer, next: next, startHigh: startHigh) { break }
                        continue
                    }
                    var out: [UInt8] = []
                    var commit: [TopicPartition: Int64] = [:]
                    for message in batch {
                        out += NDJSON.line(for: message.value)
                        commit[message.position] = message.offset + 1
                        next[message.partition] = message.offset + 1
                    }
                    FileHandle.standardOutput.write(Data(out))
                    printed += batch.count
                    if group != nil { try await consumer.commit(commit) }
                }
            } catch {
                try? await consumer.close()
                throw error
            }
            try await consumer.close()
        }

        /// True when every partition this consumer reads is read up to its current end.
        func atEnd(_ transport: any MessageTransport, _ consumer: any MessageConsumer, next: [Int32: Int64], startHigh: [Int32: Int64]) async throws -> Bool {
            let owned = await consumer.assignment().filter { $0.topic == topic }
            if group != nil && owned.isEmpty { return false }
            guard let description = try await transport.describeTopics().first(where: { $0.name == topic }) else { return true }
            let committed = group != nil ? try await transport.committedOffsets(group: group!, topic: topic) : [:]
            for partition in description.partitions where group == nil || owned.contains(TopicPartition(topic: topic, partition: partition.partition)) {
                let position = next[partition.partition] ?? committed[partition.partition]
                    ?? (fromBeginning ? partition.low : startHigh[partition.partition] ?? partition.high)
                if position < partition.high { return false }
            }
            return true
        }
    }
}

/// Writes message values as NDJSON lines: a value that is one line of JSON is
/// printed as it is; JSON spread over lines is re-written compactly; anything
/// else becomes a JSON string, so every output line is JSON.
enum NDJSON {
    static func line(for value: [UInt8]) -> [UInt8] {
        if let document = try? JSONValue.parse(value) {
            if !value.contains(0x0A) && !value.contains(0x0D) { return value + [0x0A] }
            return Array(document.compactJSON.utf8) + [0x0A]
        }
        return Array(JSONValue.string(String(decoding: value, as: UTF8.self)).compactJSON.utf8) + [0x0A]
    }
}

extension JSONValue {
    /// Compact JSON text, object members sorted by name.
    var compactJSON: String {
        switch self {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let text): return text
        case .string(let text): return JSONText.quoted(text)
        case .array(let elements): return "[" + elements.map(\.compactJSON).joined(separator: ",") + "]"
        case .object(let object):
            return "{" + object.members.sorted { $0.key < $1.key }.map { JSONText.quoted($0.key) + ":" + $0.value.compactJSON }.joined(separator: ",") + "}"
        }
    }
}

/// Lines of standard input as raw bytes (no newline), numbered from 1. Reads
/// happen on a dispatch queue so a slow pipe never blocks Swift's cooperative pool.
final class StandardInputLines: @unchecked Sendable {
    private var buffer: [UInt8] = []
    private var start = 0
    private var finished = false
    private var number = 0
    private let queue = DispatchQueue(label: "touchstone.stdin")

    func next() async -> (Int, [UInt8])? {
        while true {
            if let newline = buffer[start...].firstIndex(of: 0x0A) {
                let line = Array(buffer[start..<newline])
                start = newline + 1
                number += 1
                return (number, line)
            }
            if finished {
                guard start < buffer.count else { return nil }
                let line = Array(buffer[start...])
                start = buffer.count
                number += 1
                return (number, line)
            }
            if start > 0 {
                buffer.removeFirst(start)
                start = 0
            }
            let chunk: [UInt8]? = await withCheckedContinuation { continuation in
                queue.async {
                    let data = FileHandle.standardInput.readData(ofLength: 1 << 16)
                    continuation.resume(returning: data.isEmpty ? nil : Array(data))
                }
            }
            if let chunk { buffer += chunk } else { finished = true }
        }
    }
}
