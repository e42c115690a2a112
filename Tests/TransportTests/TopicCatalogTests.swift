import Foundation
import Testing
import TouchstoneCore
@testable import Transport

/// topics/ against the built-in copy, the contract topic list and the Codable types.
@Suite struct TopicCatalogTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let topicsDirectory = repositoryRoot.appendingPathComponent("topics")
    static let builtInFile = repositoryRoot.appendingPathComponent("Sources/Transport/TopicCatalog+BuiltIn.swift")

    /// The Swift file that carries topics/ into the binary, rendered from topics/.
    static func renderBuiltIn() throws -> String {
        let names = try FileManager.default.contentsOfDirectory(atPath: topicsDirectory.path).filter { $0.hasSuffix(".json") }.sorted()
        var lines = [
            "// Generated from topics/*.json: do not edit. After changing topics/, regenerate with",
            "//     TOUCHSTONE_REGENERATE_TOPICS=1 swift test --filter TopicCatalogTests",
            "// (TopicCatalogTests fails while this file and topics/ differ.)",
            "extension TopicCatalog {",
            "    static let builtInFiles: [(name: String, json: String)] = [",
        ]
        for name in names {
            let content = try String(contentsOf: topicsDirectory.appendingPathComponent(name), encoding: .utf8)
            lines.append("        (\"\(name)\", ##\"\"\"")
            lines.append(String(content.dropLast(content.hasSuffix("\n") ? 1 : 0)))
            lines.append("\"\"\"##),")
        }
        lines += ["    ]", "}"]
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func builtInDefinitionsEqualTopicsFolder() throws {
        let rendered = try Self.renderBuiltIn()
        let current = try String(contentsOf: Self.builtInFile, encoding: .utf8)
        if rendered != current, ProcessInfo.processInfo.environment["TOUCHSTONE_REGENERATE_TOPICS"] == "1" {
            try rendered.write(to: Self.builtInFile, atomically: true, encoding: .utf8)
            return
        }
        #expect(rendered == current, "Sources/Transport/TopicCatalog+BuiltIn.swift is stale: run TOUCHSTONE_REGENERATE_TOPICS=1 swift test --filter TopicCatalogTests")
        let loaded = try TopicCatalog.load(directory: Self.topicsDirectory)
        #expect(loaded.map(\.spec) == TopicCatalog.builtIn.map(\.spec))
    }

    @Test func everyContractTopicIsDefined() throws {
        let loaded = try TopicCatalog.load(directory: Self.topicsDirectory)
        #expect(Set(loaded.map(\.name)) == Set(TopicName.all))
        for definition in loaded {
            #expect(definition.schemaVersion == 1)
            #expect(!definition.key.isEmpty)
        }
        let findings = loaded.first { $0.name == TopicName.findings }!
        #expect(findings.spec.cleanup == .compact)
        let raw = loaded.first { $0.name == TopicName.rawPosts }!
        #expect(raw.requiredHeaders.contains(RawHeader.sha256))
    }

    static func definition(_ name: String) -> TopicDefinition { TopicCatalog.builtIn.first { $0.name == name }! }

    static let fullItem: Item = {
        var picture = Picture(url: "https://cdn.example/p.jpg")
        picture.sha256 = String(repeating: "ab", count: 32)
        picture.byteCount = 1234
        picture.width = 640
        picture.height = 480
        picture.pdq = String(repeating: "0f", count: 32)
        picture.quality = 90
        picture.matches = [ReferenceMatch(brand: "cartier", reference: "images/logo.png", distance: 12, transform: "mirror", region: [1, 2, 30, 40])]
        var item = Item(
            platform: "amazon", itemID: "B0C1234567", kind: .listing, url: "https://www.amazon.com/dp/B0C1234567",
            account: Account(id: "A1", handle: "shop", displayName: "Shop", bio: "bio", website: "https://x.example"),
            title: "Title", text: "Text", price: Price(amount: "25.00", currency: "USD"), pictures: [picture],
            links: [Link(url: "https://amzn.to/x", foundIn: "text", products: [ProductRef(platform: "amazon", itemID: "B0C1234567")])],
            hashtags: ["tag"], mentions: ["someone"], contacts: [Contact(kind: .whatsapp, value: "+15551234567")],
            postedAt: "2026-11-28T10:00:00.000Z",
            raw: RawRef(topic: "raw.listings", partition: 1, offset: 12345678901234, sha256: String(repeating: "cd", count: 32),
                        source: "amazon.ndjson", line: 3, capturedAt: "2026-11-28T10:00:00.000Z"))
        item.signals = [Signal(brand: "cartier", signal: .brandTerm, rule: "confusable", field: "title", span: [0, 7], matched: "Саrtiеr", normalized: "cartier", detail: "d")]
        item.profiles = [ProfileVersion(brand: "cartier", version: "abc")]
        return item
    }()

    @Test func encodedCoreTypesMatchTheirSchemas() throws {
        let item = Self.fullItem
        for topic in [TopicName.items, TopicName.itemsHashed, TopicName.itemsMatched] {
            try Self.definition(topic).validate(value: try TopicJSON.encode(item))
            try Self.definition(topic).validate(value: try TopicJSON.encode(Item(platform: "x", itemID: "1", kind: .post)))
        }
        let findings = ItemFindings(
            item: item, verdicts: [BrandVerdict(brand: "cartier", severity: .high, score: 0.87, reasons: [Reason(signal: .imageMatch, detail: "PDQ 12")])],
            clusterID: "c-1", linked: [LinkedItem(platform: "instagram", itemID: "1789")],
            edges: [ClusterEdge(from: "amazon:B0C1234567", to: "instagram:1789", signal: .linksTo, detail: "link", weight: 1)])
        try Self.definition(TopicName.findings).validate(value: try TopicJSON.encode(findings))
        try Self.definition(TopicName.findings).validate(value: try TopicJSON.encode(ItemFindings(item: item, verdicts: [])))
        let alert = Alert(brand: "cartier", platform: "amazon", itemID: "B0C1234567", kind: .listing, url: nil, severity: .critical,
                          score: 1, reasons: [], clusterID: nil, linked: [], raisedAt: "2026-11-28T10:00:00.000Z")
        try Self.definition(TopicName.alerts).validate(value: try TopicJSON.encode(alert))
        for action in Decision.Action.allCases {
            let decision = Decision(brand: "cartier", platform: "amazon", itemID: "B0", action: action, by: "me", note: "n", at: "2026-11-28T10:00:00.000Z")
            try Self.definition(TopicName.decisions).validate(value: try TopicJSON.encode(decision))
        }
        for payload in [Array("{}".utf8), [0xff, 0xfe]] {
            let letter = DeadLetter(stage: "normalize", reason: "bad", field: "a.b", source: "f.ndjson", line: 2,
                                    topic: "raw.posts", partition: 0, offset: 9, payload: payload, at: "2026-11-28T10:00:00.000Z")
            try Self.definition(TopicName.deadLetters).validate(value: try TopicJSON.encode(letter))
        }
        try Self.definition(TopicName.rawPosts).validate(value: Array(#"{"id":17895695668004550123,"caption":"hi"}"#.utf8))
    }

    @Test(arguments: [
        (#"{"schema":1,"platform":"x","item_id":"1","kind":"post","pictures":[],"links":[],"hashtags":[],"mentions":[]}"#, "$.contacts: required field is missing"),
        (#"{"schema":1,"platform":"x","item_id":"1","kind":"video","pictures":[],"links":[],"hashtags":[],"mentions":[],"contacts":[]}"#, "$.kind: must be one of"),
        (#"{"schema":1,"platform":"x","item_id":1,"kind":"post","pictures":[],"links":[],"hashtags":[],"mentions":[],"contacts":[]}"#, "$.item_id: expected string, got integer"),
        (#"{"schema":1,"platform":"x","item_id":"1","kind":"post","pictures":[{"url":"u","pdq":"xyz"}],"links":[],"hashtags":[],"mentions":[],"contacts":[]}"#, "$.pictures[0].pdq: \"xyz\" does not match"),
        (#"{"schema":2,"platform":"x","item_id":"1","kind":"post","pictures":[],"links":[],"hashtags":[],"mentions":[],"contacts":[]}"#, "$.schema: must be one of 1"),
        (#"{"schema":1,"platform":"x","#, "not JSON at byte 27"),
        (#"[1,2]"#, "expected object, got array"),
    ])
    func violationsNameTheFieldAndReason(_ line: String, _ expected: String) {
        do {
            try Self.definition(TopicName.items).validate(value: Array(line.utf8))
            Issue.record("\(line) passed validation")
        } catch {
            #expect("\(error)".hasPrefix(expected), "got: \(error)")
        }
    }

    @Test func parserKeepsBigIntegersAndRejectsBadJSON() throws {
        let value = try JSONValue.parse(Array(#"{"id":18446744073709551615,"t":"\u00e9\ud83d\ude00","x":[true,null,-1.5e3]}"#.utf8))
        #expect(value["id"] == .number("18446744073709551615"))
        #expect(value["t"]?.stringValue == "é😀")
        for bad in ["", "{", "{\"a\":01}", "{\"a\":1,}", "[1 2]", "nul", "\"\u{01}\"", "{\"a\":1} x"] {
            #expect(throws: JSONParseError.self, "\(bad)") { try JSONValue.parse(Array(bad.utf8)) }
        }
    }
}
