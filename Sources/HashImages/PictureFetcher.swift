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
        let seconds = Double(limits.timeout.components.seconds) + Double(limits.timeout.components.attoseconds) / 1e18
        let deadline = DispatchTime.now() + seconds
        var current = url
        var redirects = 0
        while true {
            guard let host = current.host, !host.isEmpty else { throw .fetch("URL without a host: \(current.absoluteString)") }
            let addresses: [String]
            do throws(PictureError) {
                addresses = try await Self.checkOffThread(host: host, policy: limits.addresses)
            } catch where current != url {
                throw .refused("redirect from \(url.absoluteString) to \(current.absoluteString): \(error.description)")
            }
            let hop = HTTPFetch(limits: limits, url: current, connectTo: Self.pinned(current, to: addresses),
                                deadline: deadline, totalSeconds: seconds)
            switch try await hop.run() {
            case .body(let bytes):
                return bytes
            case .redirect(let location):
                redirects += 1
                guard redirects <= limits.maxRedirects else {
                    throw .fetch("\(url.absoluteString): more than \(limits.maxRedirects) redirects")
                }
                guard let target = URL(string: location, relativeTo: current)?.absoluteURL,
                      let scheme = target.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
                    throw .refused("\(url.absoluteString) redirects to \(location), not an http(s) URL")
                }
                current = target
            }
        }
    }

    /// For http, the URL to connect to: the host replaced by the checked address, so nothing
    /// resolves the name again. https stays as it is (see the type's comment).
    static func pinned(_ url: URL, to addresses: [String]) -> URL {
        guard url.scheme?.lowercased() == "http", let address = addresses.first,
              var components = URLComponents(url: url, resolvingAgainstBaseURL: true) else { return url }
        components.host = address.contains(":") ? "[\(address)]" : address
        return components.url ?? url
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

/// One HTTP request (one hop) driven by URLSession delegate callbacks, enforcing the limits as
/// the body arrives. Redirects are not followed here: a 3xx answer ends the hop with its Location.
final class HTTPFetch: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    enum Outcome { case body([UInt8]), redirect(String) }

    let limits: FetchLimits
    /// The URL as written (for the Host header and for messages).
    let url: URL
    /// Where the request goes: `url` with its host replaced by the checked address (http).
    let connectTo: URL
    let deadline: DispatchTime
    let totalSeconds: Double
    private let lock = NSLock()
    private var body = Data()
    private var failure: PictureError?
    private var location: String?
    private var continuation: CheckedContinuation<Result<Outcome, PictureError>, Never>?
    private var finished = false

    init(limits: FetchLimits, url: URL, connectTo: URL, deadline: DispatchTime, totalSeconds: Double) {
        self.limits = limits
        self.url = url
        self.connectTo = connectTo
        self.deadline = deadline
        self.totalSeconds = totalSeconds
    }

    func run() async throws(PictureError) -> Outcome {
        let remaining = Double(Int64(deadline.uptimeNanoseconds) - Int64(DispatchTime.now().uptimeNanoseconds)) / 1e9
        guard remaining > 0 else { throw .fetch("\(url.absoluteString): no complete answer within \(Int(totalSeconds)) s") }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = remaining
        configuration.timeoutIntervalForResource = remaining
        configuration.urlCache = nil
        configuration.httpAdditionalHeaders = ["Accept": "image/*", "User-Agent": "touchstone-hash-images"]
        let session = URLSession(configuration: configuration, delegate: self, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        var request = URLRequest(url: connectTo)
        request.timeoutInterval = remaining
        if connectTo != url, let host = url.host {
            request.setValue(url.port.map { "\(host):\($0)" } ?? host, forHTTPHeaderField: "Host")
        }
        let dataTask = session.dataTask(with: request)
        let result = await withCheckedContinuation { continuation in
            lock.withLock { self.continuation = continuation }
            dataTask.resume()
            // Our own deadline for the whole fetch: a server dribbling bytes forever must not hold the stage.
            DispatchQueue.global().asyncAfter(deadline: deadline) { [weak dataTask] in
                self.fail(.fetch("\(self.url.absoluteString): no complete answer within \(Int(self.totalSeconds)) s"))
                dataTask?.cancel()
            }
        }
        return try result.get()
    }

    private func fail(_ error: PictureError) {
        lock.withLock { if failure == nil { failure = error } }
        finish()
    }

    private func finish() {
        let continuation: CheckedContinuation<Result<Outcome, PictureError>, Never>? = lock.withLock {
            guard !finished else { return nil }
            finished = true
            defer { self.continuation = nil }
            return self.continuation
        }
        guard let continuation else { return }
        let result: Result<Outcome, PictureError> = lock.withLock {
            if let failure { return .failure(failure) }
            if let location { return .success(.redirect(location)) }
            return .success(.body(Array(body)))
        }
        continuation.resume(returning: result)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        let http = response as? HTTPURLResponse
        let status = http?.statusCode ?? 0
        if [301, 302, 303, 307, 308].contains(status) {
            guard let target = http?.value(forHTTPHeaderField: "Location"), !target.isEmpty else {
                fail(.fetch("\(url.absoluteString) answered HTTP \(status) without a Location"))
                completionHandler(.cancel)
                return
            }
            lock.withLock { location = target }
            finish()
            completionHandler(.cancel)
            return
        }
        if !(200..<300).contains(status) {
            fail(.fetch("\(url.absoluteString) answered HTTP \(status)"))
            completionHandler(.cancel)
            return
        }
        let type = (http?.value(forHTTPHeaderField: "Content-Type") ?? "").lowercased()
        if !type.hasPrefix("image/") {
            fail(.fetch("\(url.absoluteString) sent content type '\(type.isEmpty ? "none" : type)', not an image type"))
            completionHandler(.cancel)
            return
        }
        if response.expectedContentLength > Int64(limits.maxBytes) {
            fail(.tooLarge("\(url.absoluteString) declares \(response.expectedContentLength) bytes, over the \(limits.maxBytes)-byte limit"))
            completionHandler(.cancel)
            return
        }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let over: Bool = lock.withLock {
            body.append(data)
            return body.count > limits.maxBytes
        }
        if over {
            fail(.tooLarge("\(url.absoluteString) sent more than the \(limits.maxBytes)-byte limit"))
            dataTask.cancel()
        }
    }

    /// Redirects are followed by ``PictureFetcher`` (each target checked and pinned): never by URLSession.
    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        completionHandler(nil)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        if let error { fail(.fetch("\(url.absoluteString): \(error.localizedDescription)")) } else { finish() }
    }
}
