import StreamProcessing
import TouchstoneCore
import Transport

/// Pipeline wires the pieces into the jobs the command line runs: which
/// stages exist and what they read and write (``StageName``), running several
/// of them in one process until they are idle (``PipelineRunner``), and
/// re-deriving everything downstream of a stage after a rule change
/// (``Replay``). It owns no rules of its own.

/// Something the pipeline runs: a stage's ``StageRunner`` or the materializer's loop.
public protocol PipelineStage: Sendable {
    var name: String { get }
    var inputTopics: [String] { get }
    var outputTopics: [String] { get }
    /// Runs until cancelled or, with `stopWhenIdle`, until idle once it answers true.
    /// `outputsDelivered` is called once everything it produced is delivered, which
    /// may be before it has released its inputs (see ``StageRunner``).
    func run(stopWhenIdle: (@Sendable () async -> Bool)?, outputsDelivered: (@Sendable () async -> Void)?) async throws -> Int
}

extension PipelineStage {
    public func run(stopWhenIdle: (@Sendable () async -> Bool)?) async throws -> Int {
        try await run(stopWhenIdle: stopWhenIdle, outputsDelivered: nil)
    }
}

extension StageRunner: PipelineStage {
    public var name: String { processor.stageName }
    public var inputTopics: [String] { processor.inputTopics }
    public var outputTopics: [String] { processor.outputTopics }

    public func run(stopWhenIdle: (@Sendable () async -> Bool)?, outputsDelivered: (@Sendable () async -> Void)?) async throws -> Int {
        try await run(stopWhenIdle: stopWhenIdle, pollTimeout: .milliseconds(200), outputsDelivered: outputsDelivered)
    }
}

/// Runs stages concurrently in one process.
///
/// With `untilIdle`, a stage stops once every stage upstream of it (any stage
/// producing one of its inputs) has stopped and it has consumed everything on
/// its inputs; so the whole pipeline drains in order and then exits, with
/// nothing in flight.
public struct PipelineRunner: Sendable {
    public let stages: [any PipelineStage]

    public init(stages: [any PipelineStage]) {
        self.stages = stages
    }

    /// Names of the stages that produce any of `stage`'s inputs.
    func upstream(of stage: any PipelineStage) -> Set<String> {
        let inputs = Set(stage.inputTopics)
        return Set(stages.filter { $0.name != stage.name && !inputs.isDisjoint(with: $0.outputTopics) }.map(\.name))
    }

    /// Returns how many messages each stage processed.
    @discardableResult
    public func run(untilIdle: Bool) async throws -> [String: Int] {
        let board = CompletionBoard()
        var counts: [String: Int] = [:]
        try await withThrowingTaskGroup(of: (String, Int).self) { group in
            for stage in stages {
                let upstream = upstream(of: stage)
                let stop: (@Sendable () async -> Bool)? = untilIdle ? { @Sendable in await board.allFinished(upstream) } : nil
                group.addTask {
                    // Downstream stages may stop once this stage's outputs are delivered,
                    // without waiting for it to leave its consumer group.
                    let count = try await stage.run(stopWhenIdle: stop, outputsDelivered: { await board.finish(stage.name) })
                    await board.finish(stage.name)
                    return (stage.name, count)
                }
            }
            do {
                while let (name, count) = try await group.next() {
                    counts[name] = count
                }
            } catch {
                group.cancelAll()
                throw error
            }
        }
        return counts
    }
}

/// Which stages have stopped.
actor CompletionBoard {
    private var finished: Set<String> = []

    func finish(_ name: String) { finished.insert(name) }

    func allFinished(_ names: Set<String>) -> Bool { names.isSubset(of: finished) }
}
