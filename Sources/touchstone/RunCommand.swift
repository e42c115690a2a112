import ArgumentParser
import Pipeline

/// `touchstone run [--until-idle]`: every stage and the materializer in one process.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run every stage and the materializer in one process.",
        discussion: "With --until-idle, exit 0 once every topic is consumed and nothing is in flight."
    )

    @OptionGroup var global: GlobalOptions

    @Flag(name: .customLong("until-idle"), help: "Exit once every topic is consumed and nothing is in flight.")
    var untilIdle = false

    func run() async throws {
        let environment = try await global.makeEnvironment()
        try await environment.createTopics()
        let counts = try await PipelineRunner(stages: environment.makeAllStages()).run(untilIdle: untilIdle)
        let summary = StageName.allCases.map { "\($0.rawValue) \(counts[$0.rawValue] ?? 0)" }.joined(separator: ", ")
        printStatus("touchstone run: processed \(summary)")
    }
}

/// `touchstone process STAGE`: one stage as its own process, a member of the stage's consumer group.
struct ProcessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "process",
        abstract: "Run one stage as its own process; several may run as one consumer group.",
        discussion: "Stages: \(StageName.allCases.map(\.rawValue).joined(separator: ", "))."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The stage to run.")
    var stage: StageName

    @Flag(name: .customLong("until-idle"), help: "Exit once the stage's inputs are consumed.")
    var untilIdle = false

    func run() async throws {
        let environment = try await global.makeEnvironment()
        try await environment.createTopics()
        let runner = try await environment.makeStage(stage)
        let stop: (@Sendable () async -> Bool)? = untilIdle ? { @Sendable in true } : nil
        let count = try await runner.run(stopWhenIdle: stop)
        printStatus("touchstone process \(stage.rawValue): processed \(count)")
    }
}

/// `touchstone replay --from STAGE [--since TIME]`.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Re-derive everything downstream of STAGE after a rule change.",
        discussion: "Stop the stage first. See runbooks/replay-after-rule-change.md."
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "The stage whose rules changed.")
    var from: StageName

    @Option(name: .long, help: "Only items published at or after this time (ISO 8601 date or date-time).")
    var since: String?

    func run() async throws {
        let environment = try await global.makeEnvironment()
        let sinceMilliseconds = try since.map(parseTime)
        let resets = try await environment.replay(from: from, sinceMilliseconds: sinceMilliseconds)
        for reset in resets {
            printStatus("reset \(reset)")
        }
        printStatus("touchstone replay: \(from.rawValue) will re-judge on its next run (touchstone run, or touchstone process \(from.rawValue))")
    }
}

extension StageName: ExpressibleByArgument {}
