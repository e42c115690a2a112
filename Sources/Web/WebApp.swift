import Foundation
import Hummingbird
import Logging
import Materializer
import TouchstoneCore
import Transport

/// Web owns `touchstone serve`: a JSON API over the SQLite view (findings,
/// clusters with their evidence, alerts, decisions, drafted takedown notices)
/// and a small server-rendered HTML UI (no JavaScript build). It reads the view
/// file read-only, publishes decisions to the `decisions` topic, and hosts the
/// HTTP ingest endpoint (`IngestEndpoint.swift`) next to them. Every error is
/// `{"error":{"message":...}}`.
public enum WebApp {
    public typealias Context = BasicRequestContext
    /// Adds routes to the app's router (see ``makeRouter(services:extraRoutes:)``).
    public typealias RouteHook = @Sendable (Router<Context>) -> Void

    /// Builds the router: API under `/api`, HTML pages at `/`, plus
    /// `extraRoutes` — the hook where other parts add their routes, e.g. the
    /// ingest endpoint's `POST /ingest/{platform}`:
    ///
    /// ```swift
    /// let router = WebApp.makeRouter(services: services, extraRoutes: [
    ///     { router in IngestEndpoint.addRoutes(to: router, transport: transport) },
    /// ])
    /// ```
    public static func makeRouter(services: WebServices, extraRoutes: [RouteHook] = []) -> Router<Context> {
        let router = Router(context: Context.self)
        router.add(middleware: ErrorShapeMiddleware())
        APIRoutes(services: services).add(to: router)
        HTMLRoutes(services: services).add(to: router)
        for addRoutes in extraRoutes { addRoutes(router) }
        return router
    }

    /// The application `touchstone serve` runs. `onServerRunning` gets the bound
    /// port (useful with port 0 in tests).
    public static func makeApplication(
        services: WebServices, host: String = "127.0.0.1", port: Int = 8080,
        extraRoutes: [RouteHook] = [],
        logger: Logger = Logger(label: "touchstone.web"),
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: makeRouter(services: services, extraRoutes: extraRoutes),
            configuration: .init(address: .hostname(host, port: port), serverName: "touchstone"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }
}

/// What the web app works with: the view file, the transport to publish
/// decisions on, the rights holders of the brand profiles.
public final class WebServices: Sendable {
    public let viewPath: URL
    let transport: (any MessageTransport)?
    public let rightsHolders: [String: RightsHolder]
    let clock: @Sendable () -> String
    let state = WebState()

    /// - Parameters:
    ///   - viewPath: the SQLite view (``MaterializedView/path(dataDirectory:)``). It may not exist yet:
    ///     pages then say to run the pipeline.
    ///   - transport: where `POST /api/decisions` publishes; nil makes decisions read-only.
    public init(viewPath: URL, transport: (any MessageTransport)?, rightsHolders: [String: RightsHolder],
                clock: @escaping @Sendable () -> String = { Timestamp.now() }) {
        self.viewPath = viewPath
        self.transport = transport
        self.rightsHolders = rightsHolders
        self.clock = clock
    }

    /// The reader, opened on first use (the view may appear after the server starts).
    func reader() async throws -> ViewReader {
        do {
            return try await state.reader(path: viewPath)
        } catch let error as MaterializerError {
            throw HTTPError(.serviceUnavailable, message: error.description)
        }
    }

    func publish(_ decision: Decision) async throws {
        guard let transport else {
            throw HTTPError(.serviceUnavailable, message: "this server was started without a transport, so it cannot record decisions")
        }
        let producer = try await state.producer(transport: transport)
        try await DecisionTopic.publish(decision, with: producer)
    }

    /// Closes the decisions producer, if one was opened.
    public func shutdown() async {
        await state.close()
    }
}

actor WebState {
    private var openReader: ViewReader?
    private var openProducer: (any MessageProducer)?

    func reader(path: URL) throws -> ViewReader {
        if let openReader { return openReader }
        let reader = try ViewReader(path: path)
        openReader = reader
        return reader
    }

    func producer(transport: any MessageTransport) async throws -> any MessageProducer {
        if let openProducer { return openProducer }
        let producer = try await transport.makeProducer()
        openProducer = producer
        return producer
    }

    func close() async {
        try? await openProducer?.close()
        openProducer = nil
    }
}

/// Gives every failure the one error shape: a bodiless `HTTPError` (the
/// router's 404) gets a message, any other error becomes a 500 that says what failed.
struct ErrorShapeMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            if error.body == nil {
                let message = error.status == .notFound
                    ? "no such page or API endpoint: \(request.method) \(request.uri.path)"
                    : "\(error.status.code) \(error.status.reasonPhrase)"
                throw HTTPError(error.status, headers: error.headers, message: message)
            }
            throw error
        } catch let error as MaterializerError {
            throw HTTPError(.serviceUnavailable, message: error.description)
        } catch {
            context.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            throw HTTPError(.internalServerError, message: "internal error: \(error)")
        }
    }
}

/// Small helpers shared by the API and the pages.
enum WebIO {
    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(value)
        data.append(0x0a)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func text(_ text: String, contentType: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func query(_ request: Request, _ name: String) -> String? {
        guard let value = request.uri.queryParameters.get(name), !value.isEmpty else { return nil }
        return value
    }

    /// A path parameter, percent-decoded (eBay ids carry `|`).
    static func parameter(_ context: some RequestContext, _ name: String) throws -> String {
        let raw = try context.parameters.require(name)
        return raw.removingPercentEncoding ?? raw
    }

    static func severity(_ text: String?) throws -> Severity? {
        guard let text else { return nil }
        guard let severity = Severity(rawValue: text.lowercased()) else {
            throw HTTPError(.badRequest, message: "severity must be one of \(Severity.allCases.map(\.rawValue).joined(separator: ", ")), got '\(text)'")
        }
        return severity
    }

    /// `since` as ISO 8601 (`2026-11-20`, `2026-11-20T10:00:00Z`) or an age (`24h`, `7d`, `30m`).
    static func since(_ text: String?, now: Date = Date()) throws -> Int64? {
        guard let text else { return nil }
        if let date = TimeFilter.parse(text, now: now) { return Timestamp.milliseconds(date) }
        throw HTTPError(.badRequest, message: "since must be a date (2026-11-20, 2026-11-20T10:00:00Z) or an age (30m, 24h, 7d), got '\(text)'")
    }

    static func filter(from request: Request) throws -> FindingFilter {
        var filter = FindingFilter(
            brand: query(request, "brand"), platform: query(request, "platform"),
            minSeverity: try severity(query(request, "severity")), since: try since(query(request, "since")),
            cluster: query(request, "cluster"))
        if let all = query(request, "all") { filter.includeClean = all == "1" || all == "true" }
        if let dismissed = query(request, "dismissed") { filter.includeDismissed = dismissed != "0" && dismissed != "false" }
        if let limit = query(request, "limit") {
            guard let value = Int(limit), value > 0 else { throw HTTPError(.badRequest, message: "limit must be a positive number, got '\(limit)'") }
            filter.limit = value
        }
        return filter
    }
}

/// Dates and ages for `--since` and `?since=`.
public enum TimeFilter {
    public static func parse(_ text: String, now: Date = Date()) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let unit = trimmed.last, let amount = Double(trimmed.dropLast()), amount >= 0 {
            let seconds: Double? = switch unit {
            case "s": amount
            case "m": amount * 60
            case "h": amount * 3600
            case "d": amount * 86400
            case "w": amount * 7 * 86400
            default: nil
            }
            if let seconds { return now.addingTimeInterval(-seconds) }
        }
        let full = ISO8601DateFormatter()
        if let date = full.date(from: trimmed) { return date }
        full.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = full.date(from: trimmed) { return date }
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        return day.date(from: trimmed)
    }
}
