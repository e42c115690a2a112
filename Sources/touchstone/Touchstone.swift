import ArgumentParser
import Foundation

/// The `touchstone` command line (CLI.md). Each subcommand lives in its own
/// file; the global options are in `GlobalOptions.swift`.
@main
struct Touchstone: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "touchstone",
        abstract: "Watch social media and marketplaces for a brand's trademarks and counterfeits.",
        discussion: "Data lives in --data (an embedded log, the SQLite view, caches) unless --broker points at Kafka.",
        subcommands: [
            DemoCommand.self,
            RunCommand.self,
            ProcessCommand.self,
            ReplayCommand.self,
            TopicsCommand.self,
            IngestCommand.self,
            ExportCommand.self,
            FindingsCommand.self,
            DecideCommand.self,
            ServeCommand.self,
            MaterializeCommand.self,
            BrandsCommand.self,
            AlertsCommand.self,
            HashCommand.self,
        ]
    )

    /// CLI.md's exit codes: 0 success, 1 the command failed (the message says
    /// why and what to do), 2 usage error.
    static func main() async {
        do {
            var command = try parseAsRoot(GlobalOptions.movedAfterSubcommand(Array(CommandLine.arguments.dropFirst())))
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                exit(withError: error)
            }
            var message = fullMessage(for: error)
            if message.hasPrefix("Error: ") { message.removeFirst("Error: ".count) }
            if !message.isEmpty {
                FileHandle.standardError.write(Data(("touchstone: " + message + "\n").utf8))
            }
            Foundation.exit(code == .validationFailure ? 2 : (code.rawValue == 0 ? 1 : (code == .failure ? 1 : code.rawValue)))
        }
    }
}
