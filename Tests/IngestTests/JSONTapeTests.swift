import Normalize
import Testing
import TouchstoneCore

/// The tape accepts exactly the documents JSONReader accepts: both share the UTF-8 rule,
/// and the tape repeats the reader's grammar, so the edge cases of each are checked on both.
@Suite struct JSONTapeTests {
    static let utf8Cases: [(name: String, bytes: [UInt8], valid: Bool)] = [
        ("two bytes", [0xC3, 0xA9], true),
        ("three bytes", [0xE2, 0x82, 0xAC], true),
        ("four bytes", [0xF0, 0x9F, 0x98, 0x80], true),
        ("highest scalar", [0xF4, 0x8F, 0xBF, 0xBF], true),
        ("stray continuation", [0x80], false),
        ("overlong two", [0xC0, 0x80], false),
        ("overlong three", [0xE0, 0x80, 0x80], false),
        ("overlong four", [0xF0, 0x80, 0x80, 0x80], false),
        ("surrogate", [0xED, 0xA0, 0x80], false),
        ("past U+10FFFF", [0xF4, 0x90, 0x80, 0x80], false),
        ("cut short", [0xE2, 0x82], false),
        ("bad continuation", [0xE2, 0x28, 0xA1], false),
        ("F5 lead", [0xF5, 0x80, 0x80, 0x80], false),
    ]

    @Test(arguments: utf8Cases.map(\.name))
    func utf8InAStringIsJudgedAlikeByTapeAndReader(_ name: String) {
        let testCase = Self.utf8Cases.first { $0.name == name }!
        let document = Array(#"{"a":"x"#.utf8) + testCase.bytes + Array(#"y"}"#.utf8)
        let readerAccepts = (try? JSONReader.parse(document)) != nil
        let tapeAccepts = (try? JSONTape.read(document, with: JSONReader())) != nil
        #expect(readerAccepts == testCase.valid, "JSONReader on \(name)")
        #expect(tapeAccepts == testCase.valid, "JSONTape on \(name)")
    }

    @Test func escapedScalarsDecodeToTheSameText() throws {
        let document = Array(#"{"a":"caf\u00e9 \u20ac \ud83d\ude00 \"q\""}"#.utf8)
        let tape = try JSONTape.read(document, with: JSONReader())
        #expect(try JSONReader.parse(document)["a"]?.stringValue == "café € 😀 \"q\"")
        #expect(try tape.root.requiredString("a") == "café € 😀 \"q\"")
    }
}
