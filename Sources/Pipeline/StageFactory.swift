import Foundation
import StreamProcessing
import TouchstoneCore
import Transport

extension PipelineEnvironment {
    /// Builds the runnable for one stage.
    public func makeStage(_ stage: StageName) async throws -> any PipelineStage {
        throw PipelineError("stage \(stage.rawValue) is not wired yet")
    }

    /// Every stage and the materializer, in pipeline order.
    public func makeAllStages() async throws -> [any PipelineStage] {
        var stages: [any PipelineStage] = []
        for stage in StageName.allCases {
            stages.append(try await makeStage(stage))
        }
        return stages
    }
}
