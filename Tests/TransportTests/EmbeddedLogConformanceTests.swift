import EmbeddedLog
import Foundation
import Testing
import TouchstoneTestKit
import Transport

/// The shared transport conformance suite, run on the embedded log in a fresh temporary folder.
@Suite struct EmbeddedLogConformanceTests {
    static let settings = TransportConformance.Settings(timeout: .seconds(10))

    static func makeTransport() -> TransportConformance.Factory {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("touchstone-conformance-\(UUID().uuidString)")
        return { try EmbeddedLogTransport(directory: directory) }
    }

    @Test(arguments: TransportConformance.all.map(\.name))
    func conformance(_ name: String) async throws {
        let check = TransportConformance.all.first { $0.name == name }!
        try await check.run(Self.makeTransport(), Self.settings)
    }
}
