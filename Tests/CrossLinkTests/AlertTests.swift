import Foundation
import Hummingbird
import Logging
import Testing
import TouchstoneCore
import Transport
@testable import Alert

/// A real HTTP receiver on loopback that checks signatures and fails on demand.
actor WebhookReceiver {
    struct Received: Sendable {
        var body: [UInt8]
        var signature: String?
        var validSignature: Bool
    }

    let secret: String
    var failuresLeft: Int
    var attempts = 0
    var received: [Received] = []

    init(secret: String, failuresBeforeSuccess: Int) {
        self.secret = secret
        self.failuresLeft = failuresBeforeSuccess
    }

    func handle(body: [UInt8], signature: String?) -> HTTPResponse.Status {
        attempts += 1
        if failuresLeft > 0 {
            failuresLeft -= 1
            return .internalServerError
        }
        received.append(Received(body: body, signature: signature, validSignature: WebhookSignature.verify(body: body, secret: secret, header: signature)))
        return .noContent
    }

    /// Runs a Hummingbird server on 127.0.0.1 (a free port) for the duration of `body`.
    static func serving<T: Sendable>(_ receiver: WebhookReceiver, _ body: @Sendable (URL) async throws -> T) async throws -> T {
        let router = Router()
        router.post("/hook") { request, context -> Response in
            let buffer = try await request.body.collect(upTo: 1 << 20)
            let status = await receiver.handle(body: Array(buffer.readableBytesView), signature: request.headers[.init("X-Touchstone-Signature")!])
            return Response(status: status)
        }
        let (portStream, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: {
                var logger = Logger(label: "test-webhook-receiver")
                logger.logLevel = .critical  // the server is cancelled at the end of each test
                return logger
            }())
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await app.run()
                return nil
            }
            var ports = portStream.makeAsyncIterator()
            guard let port = await ports.next(), port > 0 else { throw AlertError("the test webhook receiver did not start") }
            let result = try await body(URL(string: "http://127.0.0.1:\(port)/hook")!)
            group.cancelAll()
            return result
        }
    }
}

@Suite struct AlertTests {
    static let secret = "s3cret-for-tests"
    let fastRetry = RetryPolicy(maxAttempts: 5, initialDelay: .milliseconds(10), maxDelay: .milliseconds(50), requestTimeout: .seconds(5))

    func findings(severity: Severity, score: Double = 0.8, key: String = "B0C1234567") -> ItemFindings {
        ItemFindings(
            item: Item(platform: "amazon", itemID: key, kind: .listing, url: "https://www.amazon.com/dp/\(key)"),
            verdicts: severity == .none ? [] : [BrandVerdict(brand: "cartier", severity: severity, score: score,
                                                             reasons: [Reason(signal: .linksTo, detail: "instagram:1 links to amazon:\(key)")])],
            clusterID: "c-1", linked: [LinkedItem(platform: "instagram", itemID: "1")])
    }

    func processor(_ url: URL?, minSeverity: Severity = .medium, path: String? = nil) throws -> AlertProcessor {
        let sinks: [AlertSink] = url.map { [.webhook(url: $0.absoluteString, secretEnv: "HOOK_SECRET")] } ?? []
        return try AlertProcessor(
            statePath: path,
            configuration: AlertConfiguration(policies: ["cartier": AlertPolicy(minSeverity: minSeverity, sinks: sinks)], retry: fastRetry),
            environment: ["HOOK_SECRET": AlertTests.secret], now: { "2026-11-30T00:00:00.000Z" })
    }

    @Test func webhookReceivesASignedAlert() async throws {
        let receiver = WebhookReceiver(secret: AlertTests.secret, failuresBeforeSuccess: 0)
        let outputs = try await WebhookReceiver.serving(receiver) { url in
            try await processor(url).alerts(for: findings(severity: .high))
        }
        #expect(outputs.map(\.topic) == [TopicName.alerts])
        let received = await receiver.received
        #expect(received.count == 1)
        #expect(received.first?.validSignature == true)
        #expect(received.first?.body == outputs.first?.value, "the webhook gets the same JSON as the alerts topic")
        let alert = try TopicJSON.decode(Alert.self, from: outputs[0].value)
        #expect(alert.alertID == "cartier:amazon:B0C1234567:high")
        #expect(alert.linked == [LinkedItem(platform: "instagram", itemID: "1")])
    }

    @Test func receiverFailingThreeTimesGetsTheAlertOnce() async throws {
        let receiver = WebhookReceiver(secret: AlertTests.secret, failuresBeforeSuccess: 3)
        let outputs = try await WebhookReceiver.serving(receiver) { url in
            try await processor(url).alerts(for: findings(severity: .high))
        }
        #expect(outputs.map(\.topic) == [TopicName.alerts], "delivered at the 4th try: no dead letter")
        #expect(await receiver.attempts == 4)
        #expect(await receiver.received.count == 1)
    }

    @Test func receiverThatAlwaysFailsLeavesADeadLetter() async throws {
        let receiver = WebhookReceiver(secret: AlertTests.secret, failuresBeforeSuccess: .max)
        let outputs = try await WebhookReceiver.serving(receiver) { url in
            try await processor(url).alerts(for: findings(severity: .critical))
        }
        #expect(await receiver.attempts == fastRetry.maxAttempts)
        #expect(outputs.map(\.topic) == [TopicName.alerts, TopicName.deadLetters])
        let letter = try TopicJSON.decode(DeadLetter.self, from: outputs[1].value)
        #expect(letter.stage == "alert-webhook")
        #expect(letter.reason.contains("HTTP 500") && letter.reason.contains("5 times"))
        #expect(letter.payload.map { Array($0.utf8) } == outputs[0].value, "the dead letter holds the alert to resend")
    }

    @Test func unreachableReceiverLeavesADeadLetter() async throws {
        // A port nothing listens on: connection refused at every try.
        let stage = try processor(URL(string: "http://127.0.0.1:9/hook")!)
        let outputs = try await stage.alerts(for: findings(severity: .high))
        #expect(outputs.map(\.topic) == [TopicName.alerts, TopicName.deadLetters])
    }

    @Test func alertsAgainOnlyWhenSeverityRises() async throws {
        let stage = try processor(nil)
        #expect(try await stage.alerts(for: findings(severity: .low)).isEmpty, "under the brand's minimum")
        #expect(try await stage.alerts(for: findings(severity: .medium)).count == 1)
        #expect(try await stage.alerts(for: findings(severity: .medium, score: 0.5)).isEmpty, "same severity")
        #expect(try await stage.alerts(for: findings(severity: .none)).isEmpty, "retracted")
        #expect(try await stage.alerts(for: findings(severity: .medium)).isEmpty, "back to medium: not a rise")
        let risen = try await stage.alerts(for: findings(severity: .high))
        #expect(risen.count == 1)
        #expect(try TopicJSON.decode(Alert.self, from: risen[0].value).severity == .high)
        #expect(try await stage.alerts(for: findings(severity: .medium, key: "OTHER")).count == 1, "per item")
    }

    @Test func dedupeSurvivesARestart() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("alert-tests-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = AlertProcessor.statePath(dataDirectory: directory)
        do {
            let stage = try processor(nil, path: path)
            #expect(try await stage.alerts(for: findings(severity: .high)).count == 1)
            try await stage.checkpoint()
        }
        let reopened = try processor(nil, path: path)
        #expect(try await reopened.alerts(for: findings(severity: .high)).isEmpty)
        #expect(try await reopened.alerts(for: findings(severity: .critical)).count == 1)
    }

    @Test func missingSecretIsAConfigurationError() {
        #expect(throws: AlertError.self) {
            try AlertProcessor(
                statePath: nil,
                configuration: AlertConfiguration(policies: ["cartier": AlertPolicy(sinks: [.webhook(url: "http://127.0.0.1:1/x", secretEnv: "NOPE")])]),
                environment: [:])
        }
    }

    @Test func signatureIsHMACSHA256OfTheBody() {
        // RFC 4231 test case 2.
        let value = WebhookSignature.value(body: Array("what do ya want for nothing?".utf8), secret: "Jefe")
        #expect(value == "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func backoffDoubles() {
        let retry = RetryPolicy(maxAttempts: 6, initialDelay: .milliseconds(100), maxDelay: .milliseconds(500))
        #expect((1...5).map { retry.delay(afterAttempt: $0) } == [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(500), .milliseconds(500)])
    }
}
