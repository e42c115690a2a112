// swift-tools-version:6.0
//
// Touchstone: a brand-protection monitor built as an event-streaming pipeline.
// One target per pipeline role; see README.md for the map.
import PackageDescription

let package = Package(
    name: "Touchstone",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "touchstone", targets: ["touchstone"]),
        .executable(name: "touchstone-bench", targets: ["touchstone-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.20.0"),
    ],
    targets: [
        // MARK: Shared value types and the transport seam
        .target(name: "TouchstoneCore", dependencies: [
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "Transport", dependencies: ["TouchstoneCore"]),
        .target(name: "CCRC32C"),
        .target(name: "CFileSpace"),
        .target(name: "EmbeddedLog", dependencies: ["TouchstoneCore", "Transport", "CCRC32C", "CFileSpace"], swiftSettings: [
            // The append path touches buffer fields per record; dynamic exclusivity checks on them
            // cost more than the framing itself. Every buffer is only touched under one lock or queue.
            .unsafeFlags(["-enforce-exclusivity=unchecked"]),
        ]),
        .systemLibrary(
            name: "CRDKafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]
        ),
        .target(name: "KafkaTransport", dependencies: ["TouchstoneCore", "Transport", "CRDKafka"]),
        .target(name: "StreamProcessing", dependencies: [
            "TouchstoneCore", "Transport",
            .product(name: "Logging", package: "swift-log"),
        ]),

        // MARK: Pipeline roles, in the order data flows
        .target(name: "BrandProfiles", dependencies: ["TouchstoneCore", "Yams"]),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "Ingest", dependencies: [
            "TouchstoneCore", "Transport", "Normalize", "CZlib",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "Normalize", dependencies: ["TouchstoneCore", "StreamProcessing"]),
        .target(name: "CImageCodecs", linkerSettings: [
            .linkedLibrary("jpeg"), .linkedLibrary("png16"), .linkedLibrary("webp"),
            .linkedLibrary("gif"), .linkedLibrary("z"),
        ]),
        .target(name: "HashImages", dependencies: [
            "TouchstoneCore", "StreamProcessing", "BrandProfiles", "CImageCodecs",
        ], swiftSettings: [
            // Pixel loops run ~30x slower unoptimised; keep debug builds and tests usable.
            .unsafeFlags(["-O"]),
        ]),
        .target(name: "TextMatch", dependencies: ["TouchstoneCore", "StreamProcessing", "BrandProfiles"],
                exclude: ["Data/make_confusables.py", "Data/README.md"]),
        .target(name: "CrossLink", dependencies: [
            "TouchstoneCore", "StreamProcessing",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .target(name: "Alert", dependencies: [
            "TouchstoneCore", "StreamProcessing", "BrandProfiles",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .target(name: "Materializer", dependencies: [
            "TouchstoneCore", "Transport", "StreamProcessing",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "Web", dependencies: [
            "TouchstoneCore", "Transport", "Ingest", "Materializer", "Yams",
            .product(name: "Hummingbird", package: "hummingbird"),
        ]),
        .target(name: "Pipeline", dependencies: [
            "TouchstoneCore", "Transport", "EmbeddedLog", "KafkaTransport", "StreamProcessing",
            "BrandProfiles", "Ingest", "Normalize", "HashImages", "TextMatch", "CrossLink",
            "Alert", "Materializer",
        ], resources: [.copy("Demo")]),

        // MARK: Executables
        .executableTarget(name: "touchstone", dependencies: [
            "Pipeline", "Web", "HashImages",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "touchstone-bench", dependencies: [
            "Pipeline", "Materializer", "HashImages", "TouchstoneTestKit", "CFileSpace",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // MARK: Tests
        .target(name: "TouchstoneTestKit", dependencies: ["TouchstoneCore", "Transport", "EmbeddedLog", "KafkaTransport"], path: "Tests/TouchstoneTestKit"),
        .testTarget(name: "TouchstoneCoreTests", dependencies: ["TouchstoneCore", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "TransportTests", dependencies: ["TouchstoneTestKit", "EmbeddedLog", "KafkaTransport"]),
        .testTarget(name: "IngestTests", dependencies: [
            "TouchstoneTestKit", "Ingest", "Normalize", "Web", "EmbeddedLog",
            .product(name: "Hummingbird", package: "hummingbird"),
        ]),
        .testTarget(name: "HashImagesTests", dependencies: ["TouchstoneTestKit", "HashImages"], exclude: ["Scripts"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TextMatchTests", dependencies: ["TouchstoneTestKit", "TextMatch"]),
        .testTarget(name: "CrossLinkTests", dependencies: [
            "TouchstoneTestKit", "CrossLink", "Alert",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
        ], exclude: ["make_pdq_fixture.py"]),
        .testTarget(name: "PipelineTests", dependencies: ["TouchstoneTestKit", "Pipeline", "Web", "KafkaTransport", "EmbeddedLog"]),
    ],
    swiftLanguageModes: [.v6]
)
