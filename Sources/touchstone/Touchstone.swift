import ArgumentParser

/// The `touchstone` command line (CLI.md). Each subcommand lives in its own
/// file; the global options are in `GlobalOptions.swift`.
@main
struct Touchstone: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "touchstone",
        abstract: "Watch social media and marketplaces for a brand's trademarks and counterfeits.",
        discussion: "Data lives in --data (an embedded log, the SQLite view, caches) unless --broker points at Kafka.",
        subcommands: [
            TopicsCommand.self,
            HashCommand.self,
        ]
    )
}
