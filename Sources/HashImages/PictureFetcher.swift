import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Limits on fetching one picture.
public struct FetchLimits: Sendable {
    public var maxBytes = 20 * 1024 * 1024
    /// Whole fetch, redirects included.
    public var timeout: Duration = .seconds(20)
    public var maxRedirects = 5
    public var addresses = AddressPolicy()

    public init(maxBytes: Int = 20 * 1024 * 1024, timeout: Duration = .seconds(20), maxRedirects: Int = 5,
                addresses: AddressPolicy = AddressPolicy()) {
        self.maxBytes = maxBytes
        self.timeout = timeout
        self.maxRedirects = maxRedirects
        self.addresses = addresses
    }
}

/// Reads a picture's bytes: `file://` URLs and absolute paths from disk,
/// `http(s)://` through URLSession (libcurl) with the limits of ``FetchLimits``.
///
/// Address checks: the host of the URL, and of every redirect target, is
/// resolved once with getaddrinfo and every address is checked before the
/// request goes out. Redirects are followed here, not by URLSession, so each
/// hop is checked the same way.
///
/// DNS rebinding: for `http` the request goes to the checked address itself
/// (the URL's host replaced by it, the name sent in the Host header), so a DNS
/// server that answers differently a moment later is never asked again. For
/// `https` that is not possible with URLSession: it must verify the
/// certificate for the name, and it offers no way to connect to a given
/// address (libcurl's CURLOPT_RESOLVE is not exposed), so libcurl resolves
/// the name again when it connects; a DNS server that changes its answer
/// between our check and that lookup (milliseconds, bounded by the answer's
/// TTL) is not caught for https. Closing that needs our own TLS client.
public struct PictureFetcher: Sendable {
    public var limits: FetchLimits

    public init(limits: FetchLimits = FetchLimits()) {
        self.limits = limits
    }

    public func fetch(_ location: String) async throws(PictureError) -> [UInt8] {
        if location.hasPrefix("/") { return try readFile(location) }
        guard let url = URL(string: location), let scheme = url.scheme?.lowercased() else {
            throw .fetch("not a URL or absolute path: \(location)")
        }
        switch scheme {
        case "file": return try readFile(url.path)
        case "http", "https": return try await fetchHTTP(url)
        default: throw .refused("scheme \(scheme): only http, https and file URLs are fetched")
        }
    }

    func readFile(_ path: String) throws(PictureError) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .fetch("cannot open \(path): \(FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file")")
        }
        defer { try? handle.close() }
        // Reads at most one byte over the limit so an oversized file is told apart without reading it all.
        let data = (try? handle.read(upToCount: limits.maxBytes + 1)) ?? Data()
        if data.count > limits.maxBytes {
            throw .tooLarge("\(path) is over the \(limits.maxBytes)-byte limit")
        }
        return Array(data)
    }

    func fetchHTTP(_ url: URL) async throws(PictureError) -> [UInt8] {
        guard let host = url.host, !host.isEmpty else { throw .fetch("URL without a host: \(url.absoluteString)") }
        let addresses = try await Self.checkOffThread(host: host, policy: limits.addresses)
        return try await HTTPFetch(limits: limits, url: url).run(firstAddresses: addresses)
    }

    /// getaddrinfo blocks: run it on a dispatch thread, not the cooperative pool. Returns the checked addresses.
    static func checkOffThread(host: String, policy: AddressPolicy) async throws(PictureError) -> [String] {
        let result: Result<[String], PictureError> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                do throws(PictureError) {
                    continuation.resume(returning: .success(try policy.check(host: host)))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }
}

/// One HTTP fetch driven by URLSession delegate callbacks, enforcing the limits as the body
/// arrives. Redirects are followed here, hop by hop, on URLSession's delegate queue (never by
/// URLSession itself): each target is resolved and checked, then requested at the checked address.
final class HTTPFetch: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    let limits: FetchLimits
    /// The URL as asked for (for messages).
    let url: URL
    let seconds: Double
    private let lock = NSLock()
    private var session: URLSession?
    /// The hop under way: its URL as written (for the Host header and messages) and its task.
    private var current: URL
    private var currentTask: URLSessionTask?
    private var redirects = 0
    private var body = Data()
    private var failure: PictureError?
    private var continuation: CheckedContinuation<Result<[UInt8], PictureError>, Never>?
    private var finished = false

    init(limits: FetchLimits, url: URL) {
        self.limits = limits
        self.url = url
        self.current = url
        self.seconds = Double(limits.timeout.components.seconds) + Double(limits.timeout.components.attoseconds) / 1e18
    }

    /// `firstAddresses`: the URL's host, resolved and checked by the caller.
    func run(firstAddresses: [String]) async throws(PictureError) -> [UInt8] {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = seconds
        configuration.timeoutIntervalForResource = seconds
        configuration.urlCache = nil
        configuration.httpAdditionalHeaders = ["Accept": "image/*", "User-Agent": "touchstone-hash-images"]
        let session = URLSession(configuration: configuration, delegate: self, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        let result = await withCheckedContinuation { continuation in
            lock.withLock {
                self.session = session
                self.continuation = continuation
            }
            start(url, addresses: firstAddresses)
            // Our own deadline for the whole fetch, redirects included: a server dribbling bytes forever must not hold the stage.
            DispatchQueue.global().asyncAfter(deadline: .now() + seconds) {
                self.fail(.fetch("\(self.url.absoluteString): no complete answer within \(Int(self.seconds)) s"))
                self.lock.withLock { self.currentTask }?.cancel()
            }
        }
        return try result.get()
    }

    /// Requests `hop` at its checked address: for http the URL's host is replaced by the address
    /// and the name goes in the Host header, so nothing resolves the name again (see ``PictureFetcher``).
    private func start(_ hop: URL, addresses: [String]) {
        var target = hop
        if hop.scheme?.lowercased() == "http", let address = addresses.first,
           var components = URLComponents(url: hop, resolvingAgainstBaseURL: true) {
            components.host = address.contains(":") ? "[\(address)]" : address
            target = components.url ?? hop
        }
        var request = URLRequest(url: target)
        request.timeoutInterval = seconds
        if target != hop, let host = hop.host {
            request.setValue(hop.port.map { "\(host):\($0)" } ?? host, forHTTPHeaderField: "Host")
        }
        let task: URLSessionTask? = lock.withLock {
            guard !finished, let session else { return nil }
            current = hop
            body = Data()
            currentTask = session.dataTask(with: request)
            return currentTask
        }
        task?.resume()
    }

    private func fail(_ error: PictureError) {
        lock.withLock { if failure == nil { failure = error } }
        finish()
    }

    private func finish() {
        let continuation: CheckedContinuation<Result<[UInt8], PictureError>, Never>? = lock.withLock {
            guard !finished else { return nil }
            finished = true
            defer { self.continuation = nil }
            return self.continuation
        }
        guard let continuation else { return }
        let result: Result<[UInt8], PictureError> = lock.withLock {
            // The deadline timer keeps this object until it fires: do not keep the body with it.
            defer { body = Data() }
            if let failure { return .failure(failure) }
            return .success(Array(body))
        }
        continuation.resume(returning: result)
    }

    /// A redirect: the next hop, checked (scheme, count, every address of its host) before it is requested.
    private func follow(_ location: String, from hop: URL) {
        let count: Int = lock.withLock { redirects += 1; return redirects }
        guard count <= limits.maxRedirects else {
            fail(.fetch("\(url.absoluteString): more than \(limits.maxRedirects) redirects"))
            return
        }
        guard let target = URL(string: location, relativeTo: hop)?.absoluteURL,
              let scheme = target.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = target.host, !host.isEmpty else {
            fail(.refused("\(url.absoluteString) redirects to \(location), not an http(s) URL"))
            return
        }
        do throws(PictureError) {
            // On URLSession's delegate queue, not the cooperative pool: getaddrinfo may block here.
            start(target, addresses: try limits.addresses.check(host: host))
        } catch {
            fail(.refused("redirect from \(url.absoluteString) to \(target.absoluteString): \(error.description)"))
        }
    }

    private func isCurrent(_ task: URLSessionTask) -> Bool {
        lock.withLock { task === currentTask }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        guard isCurrent(dataTask) else { completionHandler(.cancel); return }
        let hop = lock.withLock { current }
        let http = response as? HTTPURLResponse
        let status = http?.statusCode ?? 0
        if [301, 302, 303, 307, 308].contains(status) {
            completionHandler(.cancel)
            if let location = http?.value(forHTTPHeaderField: "Location"), !location.isEmpty {
                follow(location, from: hop)
            } else {
                fail(.fetch("\(hop.absoluteString) answered HTTP \(status) without a Location"))
            }
            return
        }
        if !(200..<300).contains(status) {
            fail(.fetch("\(hop.absoluteString) answered HTTP \(status)"))
            completionHandler(.cancel)
            return
        }
        let type = (http?.value(forHTTPHeaderField: "Content-Type") ?? "").lowercased()
        if !type.hasPrefix("image/") {
            fail(.fetch("\(hop.absoluteString) sent content type '\(type.isEmpty ? "none" : type)', not an image type"))
            completionHandler(.cancel)
            return
        }
        if response.expectedContentLength > Int64(limits.maxBytes) {
            fail(.tooLarge("\(hop.absoluteString) declares \(response.expectedContentLength) bytes, over the \(limits.maxBytes)-byte limit"))
            completionHandler(.cancel)
            return
        }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        guard isCurrent(dataTask) else { return }
        let over: Bool = lock.withLock {
            body.append(data)
            return body.count > limits.maxBytes
        }
        if over {
            fail(.tooLarge("\(url.absoluteString) sent more than the \(limits.maxBytes)-byte limit"))
            dataTask.cancel()
        }
    }

    /// Redirects are followed by ``follow(_:from:)`` (each target checked and pinned): never by URLSession.
    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        completionHandler(nil)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        // A hop left for a redirect ends cancelled; only the hop under way decides.
        guard isCurrent(task) else { return }
        if let error { fail(.fetch("\(url.absoluteString): \(error.localizedDescription)")) } else { finish() }
    }
}
