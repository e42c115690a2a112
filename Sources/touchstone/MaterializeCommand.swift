import ArgumentParser
import Foundation
import Logging
import Materializer

/// `touchstone materialize [--until-idle]` (hidden): the materializer alone.
/// `touchstone process materialize` is the public way; this entry point exists
/// so the materializer can be run (and killed) on its own in tests.
struct MaterializeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "materialize",
        abstract: "Keep the SQLite view of findings up to date (same as `process materialize`).",
        shouldDisplay: false
    )

    @OptionGroup var global: GlobalOptions

    @Flag(name: .long, help: "Exit once every message of findings, alerts and decisions is in the view.")
    var untilIdle = false

    @Option(name: .long, help: "Messages per transaction.")
    var batchSize = 1000

    func run() async throws {
        let view = try MaterializedView(writingAt: MaterializedView.path(dataDirectory: global.dataDirectory))
        let materializer = Materializer(transport: try global.makeTransport(), view: view, batchSize: batchSize)
        let consumed = try await materializer.run(untilIdle: untilIdle)
        if untilIdle { print("materialized \(consumed) messages into \(view.path.path)") }
    }
}
