import Alert
import BrandProfiles
import CrossLink
import Foundation
import HashImages
import Materializer
import Normalize
import StreamProcessing
import TextMatch
import TouchstoneCore
import Transport

extension PipelineEnvironment {
    /// Whether hash-images may fetch pictures from private, loopback and
    /// link-local addresses: off unless `$TOUCHSTONE_ALLOW_PRIVATE_IMAGE_HOSTS` is `1`
    /// (for scrapers that mirror pictures on the local network).
    public var allowPrivateImageHosts: Bool {
        ProcessInfo.processInfo.environment["TOUCHSTONE_ALLOW_PRIVATE_IMAGE_HOSTS"] == "1"
    }

    /// The SQLite view's file: the same path whatever the transport.
    public var viewPath: URL { MaterializedView.path(dataDirectory: dataDirectory) }

    /// Builds the runnable for one stage.
    public func makeStage(_ stage: StageName) async throws -> any PipelineStage {
        switch stage {
        case .normalize:
            return StageRunner(processor: NormalizeProcessor(), transport: transport)
        case .hashImages:
            let processor = ProfileFedHashImages(store: BrandProfileStore(directory: brandsDirectory),
                                                 cacheDirectory: stateDirectory(for: .hashImages).appendingPathComponent("cache", isDirectory: true),
                                                 addresses: AddressPolicy(allowPrivateAddresses: allowPrivateImageHosts))
            await processor.refreshReferences()
            return StageRunner(processor: processor, transport: transport)
        case .textMatch:
            return StageRunner(processor: TextMatchProcessor(store: BrandProfileStore(directory: brandsDirectory)), transport: transport)
        case .crossLink:
            let processor = try CrossLinkProcessor(statePath: CrossLinkProcessor.statePath(dataDirectory: dataDirectory))
            return StageRunner(processor: processor, transport: transport)
        case .alert:
            let processor = try AlertProcessor(statePath: AlertProcessor.statePath(dataDirectory: dataDirectory),
                                               configuration: try alertConfiguration())
            return StageRunner(processor: processor, transport: transport)
        case .materialize:
            return MaterializerStage(transport: transport, viewPath: viewPath)
        }
    }

    /// Every stage and the materializer, in pipeline order.
    public func makeAllStages() async throws -> [any PipelineStage] {
        var stages: [any PipelineStage] = []
        for stage in StageName.allCases {
            stages.append(try await makeStage(stage))
        }
        return stages
    }

    /// The alert stage's policies from the profiles' `alerts:` blocks. Read at
    /// start: a changed alert policy takes effect when the stage restarts.
    func alertConfiguration() throws -> AlertConfiguration {
        let profiles = try BrandProfileLoader.loadDirectory(brandsDirectory)
        var policies: [String: AlertPolicy] = [:]
        for profile in profiles {
            guard let settings = profile.alerts else { continue }
            var policy = AlertPolicy(minSeverity: settings.minSeverity ?? .medium)
            for sink in settings.sinks {
                guard sink.kind == "webhook", let url = sink.url else {
                    throw PipelineError("\(profile.source): alerts.sinks: kind '\(sink.kind)' is not supported (use webhook with a url)")
                }
                policy.sinks.append(.webhook(url: url, secretEnv: sink.secretEnv))
            }
            policies[profile.id] = policy
        }
        return AlertConfiguration(policies: policies)
    }
}

/// The materializer as a pipeline stage. It keeps its own offsets in the view
/// (exactly once), so it runs its own loop rather than a ``StageRunner``.
struct MaterializerStage: PipelineStage {
    let transport: any MessageTransport
    let viewPath: URL

    var name: String { StageName.materialize.rawValue }
    var inputTopics: [String] { Materializer.inputTopics }
    var outputTopics: [String] { [TopicName.deadLetters] }

    func run(stopWhenIdle: (@Sendable () async -> Bool)?, outputsDelivered: (@Sendable () async -> Void)?) async throws -> Int {
        guard let stopWhenIdle else {
            return try await Materializer.run(transport: transport, viewPath: viewPath)
        }
        // Until idle: follow the stream while upstream works, then drain what is left.
        let view = try MaterializedView(writingAt: viewPath)
        let materializer = Materializer(transport: transport, view: view)
        var total = 0
        while !(await stopWhenIdle()) {
            total += try await materializer.run(untilIdle: true)
            try await Task.sleep(for: .milliseconds(100))
        }
        return total + (try await materializer.run(untilIdle: true))
    }
}
