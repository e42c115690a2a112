import Crypto
import Foundation
import TouchstoneCore
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Sends one HTTP POST; returns the status code. The seam tests may replace.
public protocol WebhookClient: Sendable {
    func post(url: URL, body: [UInt8], headers: [String: String], timeout: Duration) async throws -> Int
}

/// ``WebhookClient`` over Foundation's URLSession (FoundationNetworking on Linux).
public struct URLSessionWebhookClient: WebhookClient {
    let session: URLSession

    public init() {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieStorage = nil
        configuration.urlCache = nil
        session = URLSession(configuration: configuration)
    }

    public func post(url: URL, body: [UInt8], headers: [String: String], timeout: Duration) async throws -> Int {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = Data(body)
        request.timeoutInterval = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (_, response) = try await session.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }
}

/// The signature header of a webhook body.
public enum WebhookSignature {
    public static let header = "X-Touchstone-Signature"

    /// `sha256=<hex HMAC-SHA256 of the body>`.
    public static func value(body: [UInt8], secret: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(secret.utf8)))
        return "sha256=" + Hex.encode(code)
    }

    /// Checks a received signature (constant time over the hex text).
    public static func verify(body: [UInt8], secret: String, header: String?) -> Bool {
        guard let header else { return false }
        let expected = Array(value(body: body, secret: secret).utf8)
        let given = Array(header.utf8)
        guard expected.count == given.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(expected, given) { difference |= a ^ b }
        return difference == 0
    }
}

/// Delivers alerts to one webhook with retries and exponential backoff.
struct WebhookDelivery: Sendable {
    var url: URL
    var secret: String?
    var retry: RetryPolicy
    var client: any WebhookClient

    enum Outcome: Sendable {
        case delivered(attempts: Int)
        case failed(attempts: Int, lastError: String)
    }

    func deliver(_ body: [UInt8], alertID: String) async -> Outcome {
        var headers = [
            "Content-Type": "application/json",
            "User-Agent": "touchstone-alert",
            "X-Touchstone-Alert-Id": alertID,
        ]
        if let secret { headers[WebhookSignature.header] = WebhookSignature.value(body: body, secret: secret) }
        var lastError = ""
        for attempt in 1...retry.maxAttempts {
            do {
                let status = try await client.post(url: url, body: body, headers: headers, timeout: retry.requestTimeout)
                if (200..<300).contains(status) { return .delivered(attempts: attempt) }
                lastError = "HTTP \(status)"
            } catch is CancellationError {
                return .failed(attempts: attempt, lastError: "cancelled")
            } catch {
                lastError = "\(error)"
            }
            if attempt < retry.maxAttempts {
                do { try await Task.sleep(for: retry.delay(afterAttempt: attempt)) } catch { return .failed(attempts: attempt, lastError: "cancelled") }
            }
        }
        return .failed(attempts: retry.maxAttempts, lastError: lastError)
    }
}
