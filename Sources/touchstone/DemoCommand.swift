import ArgumentParser
import Foundation
import Materializer
import Pipeline

/// `touchstone demo`: the main job on bundled example data.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Ingest the bundled example data, run every stage until idle, and show what was found.",
        discussion: """
            The demo brand is the fictional watchmaker Aurelle; its posts and listings span Instagram, Amazon, \
            TikTok, AliExpress, Pinterest, Etsy, X and eBay, the seed case among them (an Instagram account \
            selling through a generic Amazon listing). Data goes to --data (default ./touchstone-demo), which \
            the demo clears on its next run; --brands is ignored: the demo brings its own profile.
            """
    )

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        var options = global
        if options.data == nil && ProcessInfo.processInfo.environment["TOUCHSTONE_DATA"] == nil {
            options.data = "touchstone-demo"
        }
        let bundle = Demo.bundledDirectory
        options.brands = bundle.appendingPathComponent("brands", isDirectory: true).path
        if options.brokerURL == nil {
            try Demo.prepare(dataDirectory: options.dataDirectory)
        }
        let environment = try await options.makeEnvironment()
        try await environment.createTopics()

        printStatus("touchstone demo: brand profile \(options.brands)")
        let counts = try await Demo.ingest(into: environment.transport)
        printStatus("ingested \(counts)")
        let started = ContinuousClock.now
        let processed = try await PipelineRunner(stages: environment.makeAllStages()).run(untilIdle: true)
        let elapsed = ContinuousClock.now - started
        printStatus("pipeline idle after \(elapsed.formatted(.units(allowed: [.seconds, .milliseconds], width: .abbreviated))): "
            + StageName.allCases.map { "\($0.rawValue) \(processed[$0.rawValue] ?? 0)" }.joined(separator: ", "))

        let report = try ViewReport.render(ViewReader(path: environment.viewPath))
        print(report, terminator: "")
        let deadLetters = try await Demo.deadLetterCount(environment.transport)
        let dataFlag = options.data.map { " --data \($0)" } ?? ""
        print("Dead letters: \(deadLetters) (see them with `touchstone\(dataFlag) topics tail dead-letters --from-beginning --exit-at-end`)")
        print("Data folder: \(options.dataDirectory.path) · try `touchstone\(dataFlag) findings` or `touchstone\(dataFlag) --brands \(options.brands) serve`")
    }
}
