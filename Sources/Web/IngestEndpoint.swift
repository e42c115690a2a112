import Foundation
import Hummingbird
import Ingest
import TouchstoneCore
import Transport

/// Limits of `POST /ingest/{platform}`.
public struct IngestEndpointLimits: Sendable {
    /// A larger body is refused whole with 413.
    public var maxBodyBytes: Int
    /// A body with a longer line is refused whole with 413.
    public var maxLineBytes: Int

    public init(maxBodyBytes: Int = 16 << 20, maxLineBytes: Int = 1 << 20) {
        self.maxBodyBytes = maxBodyBytes
        self.maxLineBytes = maxLineBytes
    }
}

/// The HTTP ingest endpoint (INPUTS.md): `POST /ingest/{platform}` with an
/// NDJSON body publishes every line as `touchstone ingest` does, with the
/// source `http:<peer>` and line numbers within the body.
///
/// - 200 `{"published":N,"dead_lettered":0,"lines":N}` when every line was published (and delivered);
/// - 400 `{"error":{"message":...,"lines":[{"line":2,"reason":"..."}]},"published":N}` when some
///   lines were refused: they go to `dead-letters`, the valid ones are still published;
/// - 404 for an unknown platform; 413 for a body or a line over the limits (nothing published).
///
/// ```swift
/// let router = Router()
/// addIngestRoutes(to: router, producer: try await transport.makeProducer())
/// ```
public func addIngestRoutes<Context: RequestContext>(
    to router: Router<Context>, producer: any MessageProducer, limits: IngestEndpointLimits = IngestEndpointLimits()
) {
    router.post("/ingest/:platform") { request, context -> Response in
        let platform = context.parameters.get("platform") ?? ""
        guard Ingest.platforms.contains(platform) else {
            return IngestEndpointResponse.error(.notFound, "unknown platform '\(platform)'; use one of \(Ingest.platforms.joined(separator: ", "))")
        }
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limits.maxBodyBytes {
            return IngestEndpointResponse.error(.contentTooLarge, "body is \(declared) bytes, over the limit of \(limits.maxBodyBytes) bytes; split it into several requests")
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: limits.maxBodyBytes)
        } catch let error as HTTPResponseError where error.status == .contentTooLarge {
            return IngestEndpointResponse.error(.contentTooLarge, "body is over the limit of \(limits.maxBodyBytes) bytes; split it into several requests")
        }
        let bytes = body.readableBytesView
        let lines = splitLines(Array(bytes))
        for (index, line) in lines.enumerated() where line.count > limits.maxLineBytes {
            return IngestEndpointResponse.error(.contentTooLarge, "line \(index + 1) is \(line.count) bytes, over the limit of \(limits.maxLineBytes) bytes; nothing was published")
        }
        let source = "http:" + peer(of: context, request: request)
        let ingester = LineIngester(platform: platform, source: source, maxLineBytes: limits.maxLineBytes)
        let capturedAt = Timestamp.now()
        var published = 0
        var refused: [IngestEndpointResponse.RefusedLine] = []
        for (index, line) in lines.enumerated() where !LineIngester.isBlank(line) {
            let disposition = ingester.disposition(of: line, number: index + 1, capturedAt: capturedAt)
            try await producer.send(disposition.message)
            switch disposition {
            case .published: published += 1
            case .deadLettered(_, let reason): refused.append(.init(line: index + 1, reason: reason))
            }
        }
        // Answer only once every line is delivered: a 200 means the lines are safe.
        try await producer.flush()
        if refused.isEmpty {
            return IngestEndpointResponse.json(.ok, IngestEndpointResponse.Accepted(published: published, deadLettered: 0))
        }
        let message = "\(refused.count) of \(refused.count + published) lines were refused (sent to dead-letters); \(published) published"
        return IngestEndpointResponse.json(.badRequest, IngestEndpointResponse.PartlyRefused(
            error: .init(message: message, lines: refused), published: published, deadLettered: refused.count))
    }
}

/// Lines of an NDJSON body, `\n`-separated; a final line without `\n` counts.
func splitLines(_ bytes: [UInt8]) -> [[UInt8]] {
    var lines: [[UInt8]] = []
    var start = 0
    for (i, b) in bytes.enumerated() where b == 0x0a {
        lines.append(Array(bytes[start..<i]))
        start = i + 1
    }
    if start < bytes.count { lines.append(Array(bytes[start...])) }
    return lines
}

func peer(of context: some RequestContext, request: Request) -> String {
    if let remote = (context as? any RemoteAddressRequestContext)?.remoteAddress {
        if let ip = remote.ipAddress, let port = remote.port { return "\(ip):\(port)" }
        return "\(remote)"
    }
    return request.head.authority ?? "unknown"
}

enum IngestEndpointResponse {
    struct RefusedLine: Codable {
        var line: Int
        var reason: String
    }

    struct Accepted: Codable {
        var published: Int
        var deadLettered: Int
        enum CodingKeys: String, CodingKey {
            case published
            case deadLettered = "dead_lettered"
        }
    }

    struct ErrorBody: Codable {
        var message: String
        var lines: [RefusedLine]?
    }

    struct PartlyRefused: Codable {
        var error: ErrorBody
        var published: Int
        var deadLettered: Int
        enum CodingKeys: String, CodingKey {
            case error, published
            case deadLettered = "dead_lettered"
        }
    }

    struct ErrorOnly: Codable {
        var error: ErrorBody
    }

    static func json(_ status: HTTPResponse.Status, _ value: some Encodable) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data(#"{"error":{"message":"could not encode the response"}}"#.utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        json(status, ErrorOnly(error: ErrorBody(message: message, lines: nil)))
    }
}

/// The ingest endpoint as a ``WebApp/RouteHook``: `touchstone serve` adds it with
/// `extraRoutes: [{ router in IngestEndpoint.addRoutes(to: router, transport: transport) }]`.
public enum IngestEndpoint {
    /// Adds `POST /ingest/{platform}`; the producer is made on the first request and kept.
    public static func addRoutes<Context: RequestContext>(
        to router: Router<Context>, transport: any MessageTransport, limits: IngestEndpointLimits = IngestEndpointLimits()
    ) {
        addIngestRoutes(to: router, producer: LazyProducer(transport: transport), limits: limits)
    }
}

/// A producer made on first use, so that routes can be added synchronously.
final class LazyProducer: MessageProducer, @unchecked Sendable {
    let transport: any MessageTransport
    private let lock = NSLock()
    private var made: Task<any MessageProducer, Error>?

    init(transport: any MessageTransport) { self.transport = transport }

    func producer() async throws -> any MessageProducer {
        let task: Task<any MessageProducer, Error> = lock.withLock {
            if let made { return made }
            let transport = transport
            let task = Task { try await transport.makeProducer() }
            made = task
            return task
        }
        return try await task.value
    }

    func send(_ message: OutgoingMessage) async throws { try await producer().send(message) }
    func flush() async throws { try await producer().flush() }
    func close() async throws {
        let task = lock.withLock { made }
        if let task { try await task.value.close() }
    }
}
