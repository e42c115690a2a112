import EmbeddedLog
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Hummingbird
import Ingest
import Testing
import TouchstoneCore
import Transport
import Web

/// `POST /ingest/{platform}` over loopback on a real Hummingbird server and the embedded log.
@Suite struct HTTPIngestTests {
    struct Response {
        var status: Int
        var json: [String: Any]
    }

    /// Starts the server on a free port, runs `body`, stops it.
    func withServer(_ body: @Sendable (Int, EmbeddedLogTransport) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("touchstone-http-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let transport = try EmbeddedLogTransport(directory: folder)
        for topic in [TopicName.rawPosts, TopicName.rawListings, TopicName.deadLetters] {
            try await transport.createTopic(TopicSpec(name: topic, partitions: 2))
        }
        let producer = try await transport.makeProducer()
        let router = Router()
        addIngestRoutes(to: router, producer: producer, limits: IngestEndpointLimits(maxBodyBytes: 64 << 10, maxLineBytes: 8 << 10))
        let port = PortBox()
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in port.set(channel.localAddress?.port ?? 0) })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            var waited = 0
            while port.get() == 0, waited < 500 {
                try await Task.sleep(for: .milliseconds(10))
                waited += 1
            }
            defer { group.cancelAll() }
            try await body(port.get(), transport)
        }
        try await producer.close()
    }

    func post(_ port: Int, _ platform: String, _ body: [UInt8]) async throws -> Response {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/ingest/\(platform)")!)
        request.httpMethod = "POST"
        request.setValue("application/x-ndjson", forHTTPHeaderField: "Content-Type")
        let (data, response) = try await URLSession.shared.upload(for: request, from: Data(body))
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return Response(status: status, json: json)
    }

    @Test func statusCodesAndNothingValidLost() async throws {
        try await withServer { port, transport in
            // All valid: 200 with counts.
            let valid = [Fixtures.amazonFull, Fixtures.amazonMinimal, Fixtures.ebayFull].joined(separator: "\n") + "\n"
            let ok = try await post(port, "amazon", Array(valid.utf8))
            #expect(ok.status == 200)
            #expect(ok.json["published"] as? Int == 3)

            // Partly valid: 400 naming each refused line; the valid lines are published anyway.
            let partly = [Fixtures.tiktokFull, "not json", Fixtures.tiktokMinimal, "[1]", "{\"id\":1}"].joined(separator: "\n")
            let bad = try await post(port, "tiktok", Array(partly.utf8))
            #expect(bad.status == 400)
            let error = try #require(bad.json["error"] as? [String: Any])
            #expect((error["message"] as? String)?.isEmpty == false)
            let lines = try #require(error["lines"] as? [[String: Any]])
            #expect(lines.compactMap { $0["line"] as? Int } == [2, 4])
            #expect(lines.allSatisfy { ($0["reason"] as? String)?.isEmpty == false })
            #expect(bad.json["published"] as? Int == 3)

            // Non-JSON body: 400, every line refused.
            let garbage = try await post(port, "x", Array("<html>\n\u{1}\u{2}\n".utf8))
            #expect(garbage.status == 400)
            #expect(garbage.json["published"] as? Int == 0)

            // Oversized body and oversized line: 413, nothing published.
            let big = try await post(port, "amazon", Array(repeating: UInt8(ascii: " "), count: 70 << 10))
            #expect(big.status == 413)
            let longLine = "{\"ASIN\":\"" + String(repeating: "A", count: 9 << 10) + "\"}"
            let long = try await post(port, "amazon", Array((Fixtures.amazonMinimal + "\n" + longLine).utf8))
            #expect(long.status == 413)

            // Unknown platform: 404.
            let unknown = try await post(port, "myspace", Array(Fixtures.amazonMinimal.utf8))
            #expect(unknown.status == 404)

            // What reached the topics: every valid line exactly once, with its evidence headers.
            let raw = try await readAll(transport, topic: TopicName.rawListings) + readAll(transport, topic: TopicName.rawPosts)
            #expect(raw.count == 6)
            let values = Set(raw.map { String(decoding: $0.value, as: UTF8.self) })
            #expect(values == [Fixtures.amazonFull, Fixtures.amazonMinimal, Fixtures.ebayFull, Fixtures.tiktokFull, Fixtures.tiktokMinimal, "{\"id\":1}"])
            // Keyed by platform:item_id (topics/raw.*.json); an eBay object sent as amazon has no ASIN.
            #expect(Set(raw.compactMap(\.keyText)) == [
                "amazon:B0C1234567", "amazon:B07XJ8C8F5", SHA256Hex.of(Array(Fixtures.ebayFull.utf8)), // no ASIN: keyed by its SHA-256
                "tiktok:7311234567890123456", "tiktok:7311234567890123457", "tiktok:1",
            ])
            for message in raw {
                #expect(message.header(RawHeader.sha256)?.text == SHA256Hex.of(message.value))
                #expect(message.header(RawHeader.source)?.text.hasPrefix("http:") == true)
                #expect(message.header(RawHeader.line) != nil)
            }
            let letters = try await readAll(transport, topic: TopicName.deadLetters).map { try TopicJSON.decode(DeadLetter.self, from: $0.value) }
            #expect(letters.count == 4)
            #expect(letters.allSatisfy { $0.stage == "ingest" && $0.line != nil })
        }
    }
}

final class PortBox: @unchecked Sendable {
    private let lock = NSLock()
    private var port = 0
    func set(_ value: Int) { lock.lock(); port = value; lock.unlock() }
    func get() -> Int { lock.lock(); defer { lock.unlock() }; return port }
}
