import ArgumentParser

/// `touchstone topics create|list|describe|produce|tail` (CLI.md).
struct TopicsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topics",
        abstract: "Create, inspect, publish to and read topics.",
        subcommands: []
    )
}
