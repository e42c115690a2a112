import ArgumentParser
import Foundation
import TouchstoneCore
import Transport

/// `touchstone alerts tail` (CLI.md): follow the `alerts` topic.
struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "Follow the alerts as they come.",
        subcommands: [Tail.self]
    )

    struct Tail: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print alerts as they are raised (from now on, or from the first with --from-beginning).",
            discussion: "Reads the alerts topic without joining a consumer group, so it never takes alerts from another subscriber.")

        @OptionGroup var global: GlobalOptions

        @Flag(name: .long, help: "Start at the first alert kept on the topic instead of the next one raised.")
        var fromBeginning = false

        @Option(name: .long, help: "Stop after this many alerts.")
        var count: Int?

        @Option(name: .long, help: "Only alerts of this brand id.")
        var brand: String?

        @Flag(name: .long, help: "Print each alert as its JSON message (one per line) instead of a readable line.")
        var json = false

        func validate() throws {
            if let count, count < 1 { throw ValidationError("--count must be at least 1, got \(count)") }
        }

        func run() async throws {
            let transport = try global.makeTransport()
            let consumer = try await transport.makeConsumer(
                topics: [TopicName.alerts], membership: .standalone(start: fromBeginning ? .earliest : .latest))
            var printed = 0
            while !Task.isCancelled {
                for message in try await consumer.poll(maxMessages: 100, timeout: .milliseconds(500)) {
                    let line: String
                    do {
                        let alert = try TopicJSON.decode(Alert.self, from: message.value)
                        if let brand, alert.brand != brand { continue }
                        line = json ? String(decoding: message.value, as: UTF8.self) : Self.describe(alert)
                    } catch {
                        FileHandle.standardError.write(Data("skipping alerts[\(message.partition)]@\(message.offset): not an alert (\(error))\n".utf8))
                        continue
                    }
                    // Unbuffered, so that a pipe sees each alert as it comes.
                    FileHandle.standardOutput.write(Data((line + "\n").utf8))
                    printed += 1
                    if let count, printed >= count {
                        try await consumer.close()
                        return
                    }
                }
            }
            try await consumer.close()
        }

        static func describe(_ alert: Alert) -> String {
            var line = "\(alert.raisedAt)  \(alert.severity.rawValue.uppercased())  \(alert.brand)  \(alert.platform):\(alert.itemID)  score \(String(format: "%.2f", alert.score))"
            if let url = alert.url { line += "  \(url)" }
            if let reason = alert.reasons.first { line += "\n    \(reason.signal.rawValue): \(reason.detail)" }
            if !alert.linked.isEmpty {
                line += "\n    cluster \(alert.clusterID ?? "-"): " + alert.linked.prefix(5).map { "\($0.platform):\($0.itemID)" }.joined(separator: ", ")
                if alert.linked.count > 5 { line += " and \(alert.linked.count - 5) more" }
            }
            return line
        }
    }
}
