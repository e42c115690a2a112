import Testing
@testable import TouchstoneCore

@Suite struct CoreCodingTests {
    @Test func severityOrder() {
        #expect(Severity.low < Severity.high)
        #expect(Severity.allCases.max() == .critical)
    }

    @Test func sha256Hex() {
        #expect(SHA256Hex.of(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
