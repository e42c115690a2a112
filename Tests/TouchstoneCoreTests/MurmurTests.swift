import Crypto
import Foundation
import Testing
@testable import TouchstoneCore

@Suite struct CoreCodingTests {
    @Test func severityOrder() {
        #expect(Severity.low < Severity.high)
        #expect(Severity.allCases.max() == .critical)
    }

    @Test func sha256Hex() {
        #expect(SHA256Hex.of(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256Hex.of([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256Hex.of(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    /// The in-place hash of ingest (one-shot) and swift-crypto's streaming hasher agree at every
    /// length around the 64-byte block and padding boundaries, and on long lines.
    @Test func sha256HexMatchesTheStreamingHasher() {
        var generator = SystemRandomNumberGenerator()
        for length in Array(0...300) + [1_000, 4_095, 4_096, 65_537, 1 << 20] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let streamed = SHA256HexTests.streamed(bytes)
            #expect(SHA256Hex.of(bytes) == streamed, "length \(length)")
            #expect(SHA256Hex.bytes(of: bytes) == Array(streamed.utf8), "length \(length)")
        }
    }
}

enum SHA256HexTests {
    /// swift-crypto's hasher, fed in three pieces.
    static func streamed(_ bytes: [UInt8]) -> String {
        var hasher = SHA256()
        let third = bytes.count / 3
        hasher.update(data: bytes[0..<third])
        hasher.update(data: bytes[third..<(2 * third)])
        hasher.update(data: bytes[(2 * third)...])
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
