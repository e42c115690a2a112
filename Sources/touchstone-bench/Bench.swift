import ArgumentParser

/// `touchstone-bench`: release-build benchmarks. Each prints its measurement
/// next to a baseline measured in the same run, and the ratio between them;
/// none asserts a time. Run as `swift run -c release touchstone-bench NAME`.
@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "touchstone-bench",
        abstract: "Benchmarks with same-run baselines.",
        subcommands: [
            EmbeddedLogBenchmark.self,
            MaterializerBenchmark.self,
            IngestBenchmark.self,
            TextMatchBenchmark.self,
            CrossLinkBenchmark.self,
            PipelineBenchmark.self,
            KafkaBenchmark.self,
            HashImagesBenchmark.self,
        ]
    )
}
