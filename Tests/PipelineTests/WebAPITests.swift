import Foundation
import Logging
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Materializer
import Testing
import TouchstoneCore
import Transport
import Web

/// The JSON API and the HTML pages over real HTTP on loopback.
@Suite struct WebAPITests {
    typealias F = MaterializerFixtures

    /// A running server over a view holding the seed case; stopped by cancelling `task`.
    struct Server {
        var base: String
        var task: Task<Void, any Error>
        var transport: InMemoryTransport
        var view: MaterializedView

        func get(_ path: String) async throws -> (status: Int, body: Data, type: String?) {
            try await request(URLRequest(url: URL(string: base + path)!))
        }

        func post(_ path: String, json: String, contentType: String = "application/json") async throws -> (status: Int, body: Data, type: String?) {
            var request = URLRequest(url: URL(string: base + path)!)
            request.httpMethod = "POST"
            request.httpBody = Data(json.utf8)
            request.setValue(contentType, forHTTPHeaderField: "Content-Type")
            return try await self.request(request)
        }

        func request(_ request: URLRequest) async throws -> (status: Int, body: Data, type: String?) {
            let session = URLSession(configuration: .ephemeral, delegate: NoRedirects(), delegateQueue: nil)
            let (data, response) = try await session.data(for: request)
            let http = response as! HTTPURLResponse
            return (http.statusCode, data, http.value(forHTTPHeaderField: "Content-Type"))
        }

        func json(_ path: String) async throws -> [String: Any] {
            let response = try await get(path)
            #expect(response.status == 200, "\(path): \(String(decoding: response.body, as: UTF8.self))")
            return try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Any])
        }
    }

    final class NoRedirects: NSObject, URLSessionTaskDelegate, Sendable {
        func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
            completionHandler(nil)
        }
    }

    static let holder = RightsHolder(id: "aurelle", name: "Aurelle", owner: "Aurelle Horlogerie SA", trademarks: [
        .init(mark: "AURELLE", office: "EUIPO", number: "018000001", classes: [14]),
    ])

    func startServer(withView: Bool = true) async throws -> Server {
        let directory = F.temporaryDirectory("web")
        let path = MaterializedView.path(dataDirectory: directory)
        let transport = InMemoryTransport()
        let view = try MaterializedView(writingAt: path)
        if withView {
            let alert = Alert(brand: "aurelle", platform: "amazon", itemID: "B0DMQX7Z41", kind: .listing, url: nil, severity: .high, score: 0.87,
                              reasons: [Reason(signal: .imageMatch, detail: "PDQ distance 12")], clusterID: "c-seed", linked: [], raisedAt: "2026-11-28T10:00:00.000Z")
            try await view.apply(F.seedCase().enumerated().map { F.findingsMessage($1, offset: Int64($0)) }
                + [F.findingsMessage(F.clean("amazon", "B0BOTTLE123"), offset: 2), F.alertMessage(alert, offset: 0)])
        } else {
            try FileManager.default.removeItem(at: path)
        }
        let services = WebServices(viewPath: path, transport: transport, rightsHolders: ["aurelle": Self.holder],
                                   clock: { "2026-11-30T12:00:00.000Z" })
        let (portStream, portContinuation) = AsyncStream.makeStream(of: Int.self)
        var quiet = Logger(label: "touchstone.web.test")
        quiet.logLevel = .critical  // cancelling the server task at the end of each test is not an error
        let app = WebApp.makeApplication(services: services, host: "127.0.0.1", port: 0, logger: quiet, onServerRunning: { port in
            portContinuation.yield(port)
            portContinuation.finish()
        })
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        var iterator = portStream.makeAsyncIterator()
        let port = try #require(await iterator.next())
        return Server(base: "http://127.0.0.1:\(port)", task: task, transport: transport, view: view)
    }

    @Test func findingsWithFilters() async throws {
        let server = try await startServer()
        defer { server.task.cancel() }
        let all = try await server.json("/api/findings")
        let findings = try #require(all["findings"] as? [[String: Any]])
        #expect(findings.count == 2)
        #expect(findings.allSatisfy { $0["item_id"] is String })
        let amazon = try await server.json("/api/findings?platform=amazon&severity=high")
        #expect((amazon["findings"] as? [[String: Any]])?.map { $0["item_id"] as? String } == ["B0DMQX7Z41"])
        let critical = try await server.json("/api/findings?severity=critical")
        #expect((critical["findings"] as? [Any])?.isEmpty == true)
        let clean = try await server.json("/api/findings?all=1")
        #expect((clean["findings"] as? [Any])?.count == 2, "a clean item with no verdict has no finding row")
        let recent = try await server.json("/api/findings?since=3650d&cluster=c-seed&limit=1")
        #expect((recent["findings"] as? [[String: Any]])?.first?["item_id"] as? String == "B0DMQX7Z41", "limit sorts most severe first")
    }

    @Test func oneFindingWithItsClusterAndEvidence() async throws {
        let server = try await startServer()
        defer { server.task.cancel() }
        let detail = try await server.json("/api/findings/amazon/B0DMQX7Z41")
        let finding = try #require(detail["finding"] as? [String: Any])
        #expect(finding["severity"] as? String == "high")
        let cluster = try #require(detail["cluster"] as? [String: Any])
        let members = try #require(cluster["members"] as? [[String: Any]])
        #expect(members.count == 2)
        #expect(members.allSatisfy { ($0["raw_sha256"] as? String)?.count == 64 })
        #expect((cluster["edges"] as? [Any])?.count == 2)
        let item = try #require(detail["item"] as? [String: Any])
        #expect((item["raw"] as? [String: Any])?["sha256"] is String)

        let clusters = try await server.json("/api/clusters?cross_platform=1")
        #expect((clusters["clusters"] as? [[String: Any]])?.first?["cluster_id"] as? String == "c-seed")
        let one = try await server.json("/api/clusters/c-seed")
        #expect(((one["summary"] as? [String: Any])?["platforms"] as? [String]) == ["amazon", "instagram"])
        let alerts = try await server.json("/api/alerts")
        #expect((alerts["alerts"] as? [Any])?.count == 1)
        let stats = try await server.json("/api/stats")
        #expect(stats["items"] as? Int == 3)
    }

    @Test func errorsHaveOneShape() async throws {
        let server = try await startServer()
        defer { server.task.cancel() }
        for (path, status) in [("/api/findings/amazon/NOPE", 404), ("/api/nothing-here", 404), ("/api/findings?severity=huge", 400),
                               ("/api/clusters/c-none", 404), ("/api/findings?since=yesterday-ish", 400)] {
            let response = try await server.get(path)
            #expect(response.status == status, "\(path)")
            let object = try JSONSerialization.jsonObject(with: response.body) as? [String: Any]
            let message = (object?["error"] as? [String: Any])?["message"] as? String
            #expect(message?.isEmpty == false, "\(path) → \(String(decoding: response.body, as: UTF8.self))")
        }
        let bad = try await server.post("/api/decisions", json: #"{"brand":"aurelle","platform":"amazon","item_id":"B0DMQX7Z41","action":"nuke"}"#)
        #expect(bad.status == 400)
        #expect(String(decoding: bad.body, as: UTF8.self).contains("action must be one of"))
        let missing = try await server.post("/api/decisions", json: #"{"brand":"aurelle"}"#)
        #expect(missing.status == 400)
        #expect(String(decoding: missing.body, as: UTF8.self).contains("lacks field"))
    }

    @Test func noViewYetIsA503WithAMessage() async throws {
        let server = try await startServer(withView: false)
        defer { server.task.cancel() }
        let response = try await server.get("/api/findings")
        #expect(response.status == 503)
        #expect(String(decoding: response.body, as: UTF8.self).contains("touchstone run"))
        let page = try await server.get("/")
        #expect(page.status == 503)
        #expect(String(decoding: page.body, as: UTF8.self).contains("No findings yet"))
    }

    @Test func decisionsArePublishedAndReachTheView() async throws {
        let server = try await startServer()
        defer { server.task.cancel() }
        let response = try await server.post("/api/decisions", json: #"{"brand":"aurelle","platform":"amazon","item_id":"B0DMQX7Z41","action":"dismissed","note":"own test buy"}"#)
        #expect(response.status == 202)
        let published = server.transport.messages(TopicName.decisions)
        #expect(published.count == 1)
        #expect(published.first?.keyText == "aurelle:amazon:B0DMQX7Z41")
        let decision = try TopicJSON.decode(Decision.self, from: published[0].value)
        #expect(decision.action == .dismissed && decision.note == "own test buy" && decision.at == "2026-11-30T12:00:00.000Z")
        // The UI's form posts the same thing and redirects back to the finding.
        let form = try await server.post("/findings/instagram/17895695668004550/decide", json: "brand=aurelle&action=takedown-sent&note=filed+via+form&by=",
                                         contentType: "application/x-www-form-urlencoded")
        #expect(form.status == 303)
        #expect(server.transport.messages(TopicName.decisions).count == 2)
        // Once the materializer reads the topic, the API shows them.
        try await Materializer.run(transport: server.transport, viewPath: server.view.path, untilIdle: true)
        let decisions = try await server.json("/api/decisions")
        #expect((decisions["decisions"] as? [[String: Any]])?.compactMap { $0["action"] as? String }.sorted() == ["dismissed", "takedown-sent"])
        let detail = try await server.json("/api/findings/instagram/17895695668004550")
        #expect((detail["takedown"] as? [String: Any])?["note"] as? String == "filed via form")
    }

    @Test func takedownNoticeHasOwnerMarksURLAndEvidence() async throws {
        let server = try await startServer()
        defer { server.task.cancel() }
        let notice = try await server.json("/api/findings/amazon/B0DMQX7Z41/notice")
        #expect(notice["platform"] as? String == "amazon")
        #expect(notice["rights_owner"] as? String == "Aurelle Horlogerie SA")
        #expect(notice["infringing_url"] as? String == "https://www.amazon.com/dp/B0DMQX7Z41")
        let evidence = try #require(notice["evidence"] as? [[String: Any]])
        #expect(evidence.count == 2, "the listing and the Instagram post that sells it")
        let text = try #require(notice["text"] as? String)
        for expected in ["AURELLE, EUIPO, Reg. No. 018000001, Class 14", "https://www.amazon.com/dp/B0DMQX7Z41",
                         SHA256Hex.of(Array("amazon:B0DMQX7Z41".utf8)), SHA256Hex.of(Array("instagram:17895695668004550".utf8)),
                         SHA256Hex.of(Array("amazon.jpg".utf8)), "good-faith belief", "Report Infringement", "bio website links"] {
            #expect(text.contains(expected), "notice lacks \(expected)")
        }
        let plain = try await server.get("/api/findings/amazon/B0DMQX7Z41/notice?format=text")
        #expect(plain.type?.hasPrefix("text/plain") == true)
        #expect(String(decoding: plain.body, as: UTF8.self) == text)
    }

    @Test func pagesRender() async throws {
        let server = try await startServer()
        defer { server.task.cancel() }
        for path in ["/", "/?severity=high&brand=aurelle", "/findings/amazon/B0DMQX7Z41?brand=aurelle", "/clusters/c-seed",
                     "/findings/amazon/B0DMQX7Z41/notice?brand=aurelle", "/alerts"] {
            let page = try await server.get(path)
            #expect(page.status == 200, "\(path)")
            #expect(page.type?.hasPrefix("text/html") == true)
            let html = String(decoding: page.body, as: UTF8.self)
            #expect(html.contains("<!doctype html>"))
        }
        let index = String(decoding: try await server.get("/").body, as: UTF8.self)
        #expect(index.contains("B0DMQX7Z41") && index.contains("17895695668004550"))
        #expect(!index.contains("B0BOTTLE123"), "clean items are not findings")
    }
}
